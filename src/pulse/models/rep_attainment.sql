-- One row per rep with a positive quota in the period: the rep's bookings (won amount closed in
-- the period), the prorated quota, attainment = bookings ÷ quota, and at_or_above = 1 when the
-- bookings reached 100% of the quota (compared to the cent).
SELECT
  p.period_key,
  q.owner_id,
  r.name AS rep_name,
  r.team,
  r.territory,
  q.quota,
  COALESCE(b.bookings, 0) AS bookings,
  COALESCE(b.won_deals, 0) AS won_deals,
  CAST(COALESCE(b.bookings, 0) AS DOUBLE) / CAST(q.quota AS DOUBLE) AS attainment,
  CASE
    WHEN ROUND(CAST(COALESCE(b.bookings, 0) AS DOUBLE) - CAST(q.quota AS DOUBLE), 2) >= 0 THEN 1
    ELSE 0
  END AS at_or_above
FROM periods AS p
JOIN rep_quota_periods AS q ON q.period_key = p.period_key
LEFT JOIN rep_period_bookings AS b ON b.period_key = q.period_key AND b.owner_id = q.owner_id
LEFT JOIN reps AS r ON r.rep_id = q.owner_id
WHERE q.quota > 0
