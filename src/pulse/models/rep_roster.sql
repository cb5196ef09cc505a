-- Reps employed at any time in each period: hired on or before its last day (an empty hire date
-- counts as hired long before) and not left before its first day. is_ramped = 1 when the hire
-- date is at least 3 months before the period's first day, or unknown.
SELECT
  p.period_key,
  r.rep_id AS owner_id,
  r.name AS rep_name,
  r.team,
  r.territory,
  r.hired_at,
  r.left_at,
  1 AS is_employed,
  CASE
    WHEN r.hired_at IS NULL OR r.hired_at + INTERVAL 3 MONTH <= p.period_start THEN 1
    ELSE 0
  END AS is_ramped
FROM periods AS p
JOIN reps AS r
  ON (r.hired_at IS NULL OR r.hired_at <= p.period_end)
  AND (r.left_at IS NULL OR r.left_at >= p.period_start)
