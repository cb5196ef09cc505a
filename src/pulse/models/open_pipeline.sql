-- Opportunities open as of each period's as-of date (created on or before it, not closed before
-- it), with the stage, amount and close date in force then (opportunity_states: from
-- stage_history when the opportunity has any, else its current values), the stage probability
-- and whether the close date falls in the period.
-- These are the rows of opportunity_states with status 'open', computed the same way for the
-- opportunities that can be open only (created on or before the as-of date, not closed by
-- their own row before it; one found only in stage_history between its first and last recorded
-- change): at scale most opportunities are closed, and skipping their states is most of the
-- work. open_candidate_states gives them with their state (a stage_history row, or none) at
-- once.
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
    h.opportunity_id,
    f.account_id,
    f.owner_id,
    f.type,
    f.product_line,
    f.region,
    f.segment,
    f.source,
    f.motion,
    CASE WHEN h.in_history = 1 THEN 'stage_history' ELSE 'opportunity' END AS state_source,
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
  FROM open_candidate_states AS h
  JOIN periods AS p ON p.period_key = h.period_key
  LEFT JOIN opportunity_facts AS f ON f.opportunity_id = h.opportunity_id
  WHERE (h.status IS NULL OR h.status NOT IN ('won', 'lost'))
    AND (h.in_opportunities = 1 OR (h.first_changed_on <= p.as_of AND h.last_changed_on >= p.as_of))
) AS s
LEFT JOIN stage_map AS sm ON sm.stage = s.stage_key
