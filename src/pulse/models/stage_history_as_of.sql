-- The stage_history row in force for each opportunity that has history, at each period's as-of
-- date: the last change recorded before the as-of day (a change on the as-of day itself is not
-- yet in force, just as a deal closed that day still counts as open), else the first recorded
-- change (the state the opportunity was first recorded in). Also the days of its first and last
-- recorded change.
SELECT
  k.period_key,
  k.opportunity_id,
  CAST(k.first_at AS DATE) AS first_changed_on,
  CAST(k.last_at AS DATE) AS last_changed_on,
  h.stage,
  h.amount,
  h.close_date,
  h.status
FROM (
  SELECT
    p.period_key,
    s.opportunity_id,
    COALESCE(
      MAX(CASE WHEN s.changed_at < CAST(p.as_of AS TIMESTAMP) THEN s.changed_at END),
      MIN(s.changed_at)
    ) AS picked_at,
    MIN(s.changed_at) AS first_at,
    MAX(s.changed_at) AS last_at
  FROM periods AS p
  CROSS JOIN stage_history AS s
  GROUP BY p.period_key, s.opportunity_id
) AS k
JOIN stage_history AS h ON h.opportunity_id = k.opportunity_id AND h.changed_at = k.picked_at
