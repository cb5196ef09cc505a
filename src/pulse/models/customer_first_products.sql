-- Each customer's first paid contract: first_paid_on is the start of its earliest non-trial line
-- that was ever active at a month end, and one row per product among the lines that started
-- that day.
SELECT DISTINCT
  s.account_id,
  f.first_paid_on,
  s.product
FROM subscription_lines AS s
JOIN (
  SELECT account_id, MIN(start_date) AS first_paid_on
  FROM subscription_lines
  WHERE monthly_local > 0 AND (end_index IS NULL OR end_index > first_index)
  GROUP BY account_id
) AS f ON f.account_id = s.account_id AND s.start_date = f.first_paid_on
WHERE s.monthly_local > 0 AND (s.end_index IS NULL OR s.end_index > s.first_index)
