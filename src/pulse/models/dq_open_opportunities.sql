-- Opportunities open at the as-of date (created on or before it, not closed before it) with what
-- the data-quality checks read: stage, close date, and the last change (the latest stage_history
-- row on or before the as-of date, else created_at).
SELECT
  p.period_key,
  p.as_of,
  f.opportunity_id,
  f.owner_id,
  f.stage,
  f.close_date,
  f.created_at,
  COALESCE(c.last_changed_on, f.created_at) AS last_changed_on
FROM periods AS p
JOIN opportunity_facts AS f
  ON f.created_at <= p.as_of AND (f.closed_on IS NULL OR f.closed_on >= p.as_of)
LEFT JOIN opportunity_last_change AS c
  ON c.period_key = p.period_key AND c.opportunity_id = f.opportunity_id
