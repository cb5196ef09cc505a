-- One row per rep who has ramped: the first calendar month the rep's bookings reached 100% of
-- that month's quota (ramp_month), its number in the rep's tenure counting the hire month as 1
-- (ramp_months) and the month's last day (ramped_on, which places the ramp in a period). Only
-- reps hired on or after the first month of the quota history are measured.
SELECT
  m.owner_id,
  m.rep_name,
  m.team,
  m.territory,
  m.hired_at,
  MIN(m.month_start) AS ramp_month,
  MIN(m.tenure_month) AS ramp_months,
  LAST_DAY(MIN(m.month_start)) AS ramped_on
FROM rep_months AS m
CROSS JOIN rep_quota_history AS h
WHERE m.hit_quota = 1 AND m.hired_at >= h.first_quota_month
GROUP BY m.owner_id, m.rep_name, m.team, m.territory, m.hired_at
