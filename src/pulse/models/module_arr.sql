-- ARR per product (module) at each period's end month end: the lines active then, converted at
-- that month's rate, 12 × the monthly value rounded to the cent per customer, stream and
-- product. Additive across products; a credit line on its own product shows as negative ARR
-- there, where the `arr` KPI nets it inside the customer.
SELECT
  v.period_key,
  v.account_id,
  v.product,
  v.stream,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  ROUND(CAST(SUM(v.value) AS DECIMAL(18, 6)), 2) AS mrr,
  ROUND(12 * CAST(SUM(v.value) AS DECIMAL(18, 6)), 2) AS arr
FROM (
  SELECT
    b.period_key,
    l.account_id,
    l.product,
    l.stream,
    CASE WHEN r.rate IS NULL THEN l.monthly_local ELSE CAST(CAST(l.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6)) END AS value
  FROM revenue_period_bounds AS b
  JOIN subscription_lines AS l
    ON l.first_index <= b.end_index AND (l.end_index IS NULL OR l.end_index > b.end_index)
  LEFT JOIN fx_month_rates AS r ON r.currency = l.currency AND r.month_index = b.end_index
  WHERE l.monthly_local IS NOT NULL
) AS v
LEFT JOIN accounts AS a ON a.account_id = v.account_id
GROUP BY v.period_key, v.account_id, v.product, v.stream, a.segment, a.region, a.industry
