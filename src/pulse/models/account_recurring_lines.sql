-- Accounts with recurring revenue on the as-of date: non-trial subscription lines with a positive
-- amount that have started (start_date on or before it) and not ended (end_date empty or after it).
SELECT
  p.period_key,
  s.account_id,
  COUNT(*) AS active_lines
FROM periods AS p
JOIN subscriptions AS s
  ON s.start_date <= p.as_of AND (s.end_date IS NULL OR s.end_date > p.as_of)
WHERE COALESCE(s.is_trial, FALSE) = FALSE AND s.amount > 0
GROUP BY p.period_key, s.account_id
