-- Every recorded state of every opportunity that can be open at some day of the period range
-- (period_range: the earliest and latest start, end or as-of day of the periods being computed),
-- with the as-of days it is in force while the opportunity can be open (open_from to open_to,
-- both included). Candidates: those in opportunities (in_opportunities = 1) created on or
-- before the range's last day and not closed (by their own row) before its first day, and
-- those found only in stage_history (deleted, any date). in_history = 1: a stage_history row,
-- with the days of the opportunity's first and last recorded change; in_history = 0: an
-- opportunity without history (state columns empty), in force over its whole life.
-- A change is in force from the day after it (a change on the as-of day itself is not yet in
-- force) until the day of the next change; the first recorded change also before it, the last
-- one from then on. stage_history's key (opportunity_id, changed_at) is unique and never empty,
-- so each as-of day falls in exactly one row of each opportunity (and the first change is the
-- row at its earliest changed_at). Only the candidates are read, with all their history (the
-- neighbouring changes decide the days).
-- The spans depend on the range, not on each period's as-of date, so the KPIs reading the
-- pipeline at different as-of dates of the same periods (coverage at each period's start,
-- sales velocity at its end) share one computation of them (open_candidate_states picks the
-- rows in force at each as-of date).
SELECT
  c.opportunity_id,
  c.in_history,
  c.in_opportunities,
  CAST(c.first_at AS DATE) AS first_changed_on,
  CAST(c.last_at AS DATE) AS last_changed_on,
  c.stage,
  c.amount,
  c.close_date,
  c.status,
  CASE
    WHEN c.changed_at > c.first_at
      AND (c.created_at IS NULL OR CAST(c.changed_at AS DATE) >= c.created_at)
      THEN CAST(CAST(c.changed_at AS DATE) + INTERVAL 1 DAY AS DATE)
    ELSE COALESCE(c.created_at, CAST('0001-01-01' AS DATE))
  END AS open_from,
  CASE
    WHEN c.next_at IS NOT NULL AND (c.closed_on IS NULL OR CAST(c.next_at AS DATE) <= c.closed_on)
      THEN CAST(c.next_at AS DATE)
    ELSE COALESCE(c.closed_on, CAST('9999-12-31' AS DATE))
  END AS open_to
FROM (
  SELECT
    j.*,
    MIN(j.changed_at) OVER (PARTITION BY j.opportunity_id) AS first_at,
    MAX(j.changed_at) OVER (PARTITION BY j.opportunity_id) AS last_at,
    LEAD(j.changed_at) OVER (PARTITION BY j.opportunity_id ORDER BY j.changed_at) AS next_at
  FROM (
    SELECT
      COALESCE(s.opportunity_id, f.opportunity_id) AS opportunity_id,
      CASE WHEN s.opportunity_id IS NULL THEN 0 ELSE 1 END AS in_history,
      CASE WHEN f.opportunity_id IS NULL THEN 0 ELSE 1 END AS in_opportunities,
      f.created_at,
      f.closed_on,
      s.changed_at,
      s.stage,
      s.amount,
      s.close_date,
      s.status
    FROM stage_history AS s
    FULL OUTER JOIN (
      SELECT
        o.opportunity_id,
        o.created_at,
        CASE WHEN o.status IN ('won', 'lost') THEN COALESCE(o.closed_at, o.close_date) END AS closed_on
      FROM opportunities AS o
    ) AS f ON f.opportunity_id = s.opportunity_id
    WHERE f.opportunity_id IS NULL
      OR (f.created_at <= (SELECT last_day FROM period_range)
        AND (f.closed_on IS NULL OR f.closed_on >= (SELECT first_day FROM period_range)))
  ) AS j
) AS c
