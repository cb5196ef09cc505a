-- Each rep's bookings in each period: the amount and number of won deals the rep owns that
-- closed in the period (closed_at, else close_date).
SELECT
  p.period_key,
  f.owner_id,
  SUM(f.amount) AS bookings,
  COUNT(*) AS won_deals
FROM periods AS p
JOIN opportunity_facts AS f ON f.closed_on BETWEEN p.period_start AND p.period_end
WHERE f.is_won = 1 AND f.owner_id IS NOT NULL
GROUP BY p.period_key, f.owner_id
