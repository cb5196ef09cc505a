-- Each rep's bookings per calendar month: the won amount the rep owns, by the month it closed in
-- (closed_at, else close_date).
SELECT
  owner_id,
  CAST(DATE_TRUNC('month', closed_on) AS DATE) AS month_start,
  SUM(amount) AS bookings
FROM opportunity_facts
WHERE is_won = 1 AND owner_id IS NOT NULL AND closed_on IS NOT NULL
GROUP BY owner_id, CAST(DATE_TRUNC('month', closed_on) AS DATE)
