-- Each opportunity's stage, amount, close date and status as of each period's as-of date, and
-- which assumption gave them (state_source):
-- 'stage_history': the last change recorded before the as-of day (stage_history_as_of); a
-- column the change left empty falls back to the opportunity's current value.
-- 'opportunity': no history, so the current stage, amount and close date stand for the past and
-- the deal was open from created_at until it closed (closed_at, else close_date).
-- Either way an opportunity exists from created_at on, and one whose own row says it was won or
-- lost before the as-of day is closed then, whatever its history says, with its current values
-- (its history is not read: state_source 'opportunity'). An opportunity found in
-- stage_history but not in opportunities was deleted: it exists from its first to its last
-- recorded change (is_deleted = 1) and has no owner or segment.
SELECT
  p.period_key,
  f.opportunity_id,
  f.account_id,
  f.owner_id,
  f.type,
  f.product_line,
  f.region,
  f.segment,
  f.source,
  f.motion,
  f.created_at,
  CASE WHEN h.opportunity_id IS NULL THEN 'opportunity' ELSE 'stage_history' END AS state_source,
  COALESCE(h.stage, f.stage) AS stage,
  LOWER(TRIM(REPLACE(COALESCE(h.stage, f.stage), '_', ' '))) AS stage_key,
  COALESCE(h.amount, f.amount) AS amount,
  COALESCE(h.close_date, f.close_date) AS close_date,
  CASE
    WHEN f.closed_on < p.as_of THEN f.status
    WHEN h.status IN ('won', 'lost') THEN h.status
    ELSE 'open'
  END AS status,
  CASE
    WHEN COALESCE(h.amount, f.amount) < 10000 THEN '<10k'
    WHEN COALESCE(h.amount, f.amount) < 50000 THEN '10k-50k'
    WHEN COALESCE(h.amount, f.amount) < 250000 THEN '50k-250k'
    ELSE '250k+'
  END AS deal_size_band,
  0 AS is_deleted
FROM periods AS p
JOIN opportunity_facts AS f ON f.created_at <= p.as_of
LEFT JOIN stage_history_as_of AS h
  ON h.period_key = p.period_key AND h.opportunity_id = f.opportunity_id
UNION ALL
SELECT
  p.period_key,
  h.opportunity_id,
  CAST(NULL AS VARCHAR) AS account_id,
  CAST(NULL AS VARCHAR) AS owner_id,
  CAST(NULL AS VARCHAR) AS type,
  CAST(NULL AS VARCHAR) AS product_line,
  CAST(NULL AS VARCHAR) AS region,
  CAST(NULL AS VARCHAR) AS segment,
  CAST(NULL AS VARCHAR) AS source,
  CAST(NULL AS VARCHAR) AS motion,
  h.first_changed_on AS created_at,
  'stage_history' AS state_source,
  h.stage,
  LOWER(TRIM(REPLACE(h.stage, '_', ' '))) AS stage_key,
  h.amount,
  h.close_date,
  CASE WHEN h.status IN ('won', 'lost') THEN h.status ELSE 'open' END AS status,
  CASE
    WHEN h.amount < 10000 THEN '<10k'
    WHEN h.amount < 50000 THEN '10k-50k'
    WHEN h.amount < 250000 THEN '50k-250k'
    ELSE '250k+'
  END AS deal_size_band,
  1 AS is_deleted
FROM periods AS p
JOIN stage_history_as_of AS h ON h.period_key = p.period_key
LEFT JOIN opportunities AS o ON o.opportunity_id = h.opportunity_id
WHERE o.opportunity_id IS NULL
  AND h.first_changed_on <= p.as_of
  AND h.last_changed_on >= p.as_of
