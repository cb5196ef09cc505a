-- Each account's latest device observation on or before the as-of date.
SELECT
  p.period_key,
  d.account_id,
  MAX(d.observed_at) AS observed_at
FROM periods AS p
JOIN devices AS d ON d.observed_at <= p.as_of
GROUP BY p.period_key, d.account_id
