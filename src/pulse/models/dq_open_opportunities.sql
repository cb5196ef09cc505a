-- Opportunities open at the as-of date (created on or before it, not closed before it) with what
-- the data-quality checks read: stage, close date, and the last change (the latest stage_history
-- row on or before the as-of date, else created_at).
-- The last change is looked up for those open opportunities only (the same test on the
-- opportunities table), not for every opportunity in stage_history.
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
LEFT JOIN (
  SELECT
    q.period_key,
    h.opportunity_id,
    CAST(MAX(h.changed_at) AS DATE) AS last_changed_on
  FROM (
    SELECT DISTINCT p.period_key, p.as_of, o.opportunity_id
    FROM periods AS p
    JOIN opportunities AS o
      ON o.created_at <= p.as_of
      AND (o.status NOT IN ('won', 'lost') OR o.status IS NULL
        OR COALESCE(o.closed_at, o.close_date) IS NULL
        OR COALESCE(o.closed_at, o.close_date) >= p.as_of)
  ) AS q
  JOIN stage_history AS h
    ON h.opportunity_id = q.opportunity_id AND CAST(h.changed_at AS DATE) <= q.as_of
  GROUP BY q.period_key, h.opportunity_id
) AS c
  ON c.period_key = p.period_key AND c.opportunity_id = f.opportunity_id
