-- Self-serve paying accounts per period: sign-ups whose first payment is on or before the
-- period's end (the as-of date when earlier), flagged when their first tier upgrade falls in
-- the period (up to that date).
SELECT
  p.period_key,
  s.account_id,
  s.segment,
  s.region,
  s.paid_at,
  s.upgraded_at,
  1 AS is_paying,
  CASE
    WHEN s.upgraded_at BETWEEN p.period_start AND LEAST(p.period_end, p.as_of) THEN 1
    ELSE 0
  END AS upgraded_in_period
FROM periods AS p
JOIN signup_facts AS s ON s.paid_at <= LEAST(p.period_end, p.as_of)
