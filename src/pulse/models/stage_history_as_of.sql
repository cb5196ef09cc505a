-- The stage_history row in force for each opportunity at each period's as-of date: the last
-- change recorded before the as-of day (a change on the as-of day itself is not yet in force,
-- just as a deal closed that day still counts as open), else the first recorded change (the
-- state the opportunity was first recorded in). Also the days of its first and last recorded
-- change. Only opportunities that can be open then are looked up: those in opportunities
-- created on or before the as-of date and not closed (by their own row) before it, and those
-- found only in stage_history (deleted).
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
  FROM stage_history AS s
  LEFT JOIN opportunity_facts AS f ON f.opportunity_id = s.opportunity_id
  JOIN periods AS p
    ON f.opportunity_id IS NULL
    OR (f.created_at <= p.as_of AND (f.closed_on IS NULL OR f.closed_on >= p.as_of))
  GROUP BY p.period_key, s.opportunity_id
) AS k
JOIN stage_history AS h ON h.opportunity_id = k.opportunity_id AND h.changed_at = k.picked_at
