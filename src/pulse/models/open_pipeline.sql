-- Opportunities open as of each period's as-of date (created on or before it, not closed before
-- it), with the stage, amount and close date in force then (opportunity_states: from
-- stage_history when the opportunity has any, else its current values), the stage probability
-- and whether the close date falls in the period.
-- These are the rows of opportunity_states with status 'open', computed the same way for the
-- opportunities that can be open only (created on or before the as-of date, not closed by
-- their own row before it): at scale most opportunities are closed, and skipping their states
-- is most of the work.
SELECT
  s.period_key,
  s.opportunity_id,
  s.account_id,
  s.owner_id,
  s.type,
  s.product_line,
  s.region,
  s.segment,
  s.source,
  s.motion,
  s.deal_size_band,
  s.stage,
  s.amount,
  s.close_date,
  s.state_source,
  COALESCE(sm.probability, 0) AS probability,
  s.amount * COALESCE(sm.probability, 0) AS weighted_amount,
  CASE WHEN s.close_date BETWEEN s.period_start AND s.period_end THEN 1 ELSE 0 END AS due_in_period
FROM (
  SELECT
    p.period_key,
    p.period_start,
    p.period_end,
    f.opportunity_id,
    f.account_id,
    f.owner_id,
    f.type,
    f.product_line,
    f.region,
    f.segment,
    f.source,
    f.motion,
    CASE WHEN h.opportunity_id IS NULL THEN 'opportunity' ELSE 'stage_history' END AS state_source,
    COALESCE(h.stage, f.stage) AS stage,
    LOWER(TRIM(REPLACE(COALESCE(h.stage, f.stage), '_', ' '))) AS stage_key,
    COALESCE(h.amount, f.amount) AS amount,
    COALESCE(h.close_date, f.close_date) AS close_date,
    CASE
      WHEN COALESCE(h.amount, f.amount) < 10000 THEN '<10k'
      WHEN COALESCE(h.amount, f.amount) < 50000 THEN '10k-50k'
      WHEN COALESCE(h.amount, f.amount) < 250000 THEN '50k-250k'
      ELSE '250k+'
    END AS deal_size_band
  FROM periods AS p
  JOIN opportunity_facts AS f
    ON f.created_at <= p.as_of AND (f.closed_on IS NULL OR f.closed_on >= p.as_of)
  LEFT JOIN stage_history_as_of AS h
    ON h.period_key = p.period_key AND h.opportunity_id = f.opportunity_id
  WHERE h.status IS NULL OR h.status NOT IN ('won', 'lost')
  UNION ALL
  SELECT
    p.period_key,
    p.period_start,
    p.period_end,
    h.opportunity_id,
    CAST(NULL AS VARCHAR) AS account_id,
    CAST(NULL AS VARCHAR) AS owner_id,
    CAST(NULL AS VARCHAR) AS type,
    CAST(NULL AS VARCHAR) AS product_line,
    CAST(NULL AS VARCHAR) AS region,
    CAST(NULL AS VARCHAR) AS segment,
    CAST(NULL AS VARCHAR) AS source,
    CAST(NULL AS VARCHAR) AS motion,
    'stage_history' AS state_source,
    h.stage,
    LOWER(TRIM(REPLACE(h.stage, '_', ' '))) AS stage_key,
    h.amount,
    h.close_date,
    CASE
      WHEN h.amount < 10000 THEN '<10k'
      WHEN h.amount < 50000 THEN '10k-50k'
      WHEN h.amount < 250000 THEN '50k-250k'
      ELSE '250k+'
    END AS deal_size_band
  FROM periods AS p
  JOIN stage_history_as_of AS h ON h.period_key = p.period_key
  LEFT JOIN opportunities AS o ON o.opportunity_id = h.opportunity_id
  WHERE o.opportunity_id IS NULL
    AND h.first_changed_on <= p.as_of
    AND h.last_changed_on >= p.as_of
    AND (h.status IS NULL OR h.status NOT IN ('won', 'lost'))
) AS s
LEFT JOIN stage_map AS sm ON sm.stage = s.stage_key
