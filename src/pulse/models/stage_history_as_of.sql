-- The stage_history row in force for each opportunity at each period's as-of date: the last
-- change recorded before the as-of day (a change on the as-of day itself is not yet in force,
-- just as a deal closed that day still counts as open), else the first recorded change (the
-- state the opportunity was first recorded in). Also the days of its first and last recorded
-- change. Only opportunities that can be open then are looked up: those in opportunities
-- created on or before the as-of date and not closed (by their own row) before it, and those
-- found only in stage_history (deleted).
-- One pass over stage_history: each opportunity's changes, per period it can be open in, with
-- window aggregates over them (the rows at the picked change are kept, so no second read).
-- The open test reads opportunities directly (the account columns of opportunity_facts are
-- not needed here).
SELECT
  w.period_key,
  w.opportunity_id,
  CAST(w.first_at AS DATE) AS first_changed_on,
  CAST(w.last_at AS DATE) AS last_changed_on,
  w.stage,
  w.amount,
  w.close_date,
  w.status
FROM (
  SELECT
    p.period_key,
    s.opportunity_id,
    s.changed_at,
    s.stage,
    s.amount,
    s.close_date,
    s.status,
    COALESCE(
      MAX(CASE WHEN s.changed_at < CAST(p.as_of AS TIMESTAMP) THEN s.changed_at END) OVER (
        PARTITION BY p.period_key, s.opportunity_id
      ),
      MIN(s.changed_at) OVER (PARTITION BY p.period_key, s.opportunity_id)
    ) AS picked_at,
    MIN(s.changed_at) OVER (PARTITION BY p.period_key, s.opportunity_id) AS first_at,
    MAX(s.changed_at) OVER (PARTITION BY p.period_key, s.opportunity_id) AS last_at
  FROM stage_history AS s
  LEFT JOIN (
    SELECT
      o.opportunity_id,
      o.created_at,
      CASE WHEN o.status IN ('won', 'lost') THEN COALESCE(o.closed_at, o.close_date) END AS closed_on
    FROM opportunities AS o
  ) AS f ON f.opportunity_id = s.opportunity_id
  JOIN periods AS p
    ON f.opportunity_id IS NULL
    OR (f.created_at <= p.as_of AND (f.closed_on IS NULL OR f.closed_on >= p.as_of))
) AS w
WHERE w.changed_at = w.picked_at
