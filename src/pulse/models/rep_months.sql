-- One row per rep and calendar month with a positive quota, from the rep's hire month on and not
-- after the month the rep left: the month's prorated quota, the rep's bookings in it, the month's
-- number in the rep's tenure (hire month = 1) and hit_quota = 1 when bookings reached 100% of
-- the month's quota (compared to the cent).
SELECT
  q.owner_id,
  r.name AS rep_name,
  r.team,
  r.territory,
  r.hired_at,
  q.month_start,
  DATE_DIFF('month', CAST(DATE_TRUNC('month', r.hired_at) AS DATE), q.month_start) + 1 AS tenure_month,
  q.quota,
  COALESCE(b.bookings, 0) AS bookings,
  CASE
    WHEN ROUND(CAST(COALESCE(b.bookings, 0) AS DOUBLE) - CAST(q.quota AS DOUBLE), 2) >= 0 THEN 1
    ELSE 0
  END AS hit_quota
FROM rep_quota_months AS q
JOIN reps AS r ON r.rep_id = q.owner_id
LEFT JOIN rep_booking_months AS b ON b.owner_id = q.owner_id AND b.month_start = q.month_start
WHERE q.quota > 0
  AND r.hired_at IS NOT NULL
  AND q.month_start >= CAST(DATE_TRUNC('month', r.hired_at) AS DATE)
  AND (r.left_at IS NULL OR q.month_start <= r.left_at)
