-- Every rep employed on the as-of date with a known hire date: months in seat (hire month = 1),
-- the ramp month and ramp time when the rep ramped by the as-of date, and ramp_status: ramped,
-- ramping, or not_measured (hired before the quota history starts).
SELECT
  p.period_key,
  r.rep_id AS owner_id,
  r.name AS rep_name,
  r.team,
  r.territory,
  r.hired_at,
  DATE_DIFF(
    'month', CAST(DATE_TRUNC('month', r.hired_at) AS DATE), CAST(DATE_TRUNC('month', p.as_of) AS DATE)
  ) + 1 AS months_in_seat,
  CASE WHEN g.ramped_on <= p.as_of THEN g.ramp_month END AS ramp_month,
  CASE WHEN g.ramped_on <= p.as_of THEN g.ramp_months END AS ramp_months,
  CASE
    WHEN h.first_quota_month IS NULL OR r.hired_at < h.first_quota_month THEN 'not_measured'
    WHEN g.ramped_on <= p.as_of THEN 'ramped'
    ELSE 'ramping'
  END AS ramp_status
FROM periods AS p
JOIN reps AS r ON r.hired_at <= p.as_of AND (r.left_at IS NULL OR r.left_at >= p.as_of)
LEFT JOIN rep_ramp AS g ON g.owner_id = r.rep_id
CROSS JOIN rep_quota_history AS h
