-- Each customer's first expansion: the first month end at which its recurring revenue (all
-- streams together) expanded, dated by the earliest line that started that month, or the start
-- of its first line of a product it did not start with, whichever came first.
-- days_to_expansion counts from the start of its first paid (non-trial) line. Customers that
-- never expanded have no row.
SELECT
  f.account_id,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  f.first_paid_on,
  LEAST(e.expanded_on, p.second_product_on) AS expanded_on,
  DATE_DIFF('day', f.first_paid_on, LEAST(e.expanded_on, p.second_product_on)) AS days_to_expansion
FROM (
  SELECT account_id, MIN(first_paid_on) AS first_paid_on
  FROM customer_first_products
  GROUP BY account_id
) AS f
LEFT JOIN (
  SELECT l.account_id, MIN(l.start_date) AS expanded_on
  FROM subscription_lines AS l
  JOIN (
    SELECT account_id, MIN(month_index) AS month_index
    FROM customer_movements
    WHERE movement = 'expansion'
    GROUP BY account_id
  ) AS x ON x.account_id = l.account_id AND l.first_index = x.month_index
  GROUP BY l.account_id
) AS e ON e.account_id = f.account_id
LEFT JOIN (
  SELECT l.account_id, MIN(l.start_date) AS second_product_on
  FROM subscription_lines AS l
  LEFT JOIN customer_first_products AS fp ON fp.account_id = l.account_id AND fp.product = l.product
  WHERE fp.account_id IS NULL AND l.monthly_local > 0
    AND (l.end_index IS NULL OR l.end_index > l.first_index)
  GROUP BY l.account_id
) AS p ON p.account_id = f.account_id
LEFT JOIN accounts AS a ON a.account_id = f.account_id
WHERE LEAST(e.expanded_on, p.second_product_on) IS NOT NULL
