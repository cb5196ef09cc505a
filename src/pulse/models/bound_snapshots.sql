-- Recurring revenue per customer and stream at the month ends each period needs, computed
-- straight from the lines (no month-by-month history): role 'start' (the month end before the
-- period), 'end' (its last month end) and 'then' (span_months before the end, for retention).
-- The same rule and rounding as customer_mrr, so a figure here equals customer_mrr's for that
-- month end; past the month spine the latest exchange rate stays in force.
SELECT
  v.period_key,
  v.role,
  v.month_index,
  v.account_id,
  v.stream,
  ROUND(GREATEST(CAST(SUM(v.value) AS DECIMAL(18, 6)), 0), 2) AS mrr,
  ROUND(12 * GREATEST(CAST(SUM(v.value) AS DECIMAL(18, 6)), 0), 2) AS arr
FROM (
  SELECT
    w.period_key,
    w.role,
    w.month_index,
    l.account_id,
    l.stream,
    CASE
      WHEN fx.rate IS NULL THEN l.monthly_local
      ELSE CAST(CAST(l.monthly_local AS DOUBLE) * fx.rate AS DECIMAL(18, 6))
    END AS value
  FROM (
    SELECT b.period_key, 'start' AS role, b.start_index AS month_index
    FROM periods AS p
    JOIN revenue_period_bounds AS b ON b.period_key = p.period_key
    UNION ALL
    SELECT b.period_key, 'end' AS role, b.end_index AS month_index
    FROM revenue_period_bounds AS b
    UNION ALL
    SELECT b.period_key, 'then' AS role, b.end_index - b.span_months AS month_index
    FROM revenue_period_bounds AS b
  ) AS w
  JOIN subscription_lines AS l
    ON l.first_index <= w.month_index AND (l.end_index IS NULL OR l.end_index > w.month_index)
  CROSS JOIN (SELECT MAX(month_index) AS last_index FROM month_ends) AS e
  LEFT JOIN fx_month_rates AS fx
    ON fx.currency = l.currency AND fx.month_index = LEAST(w.month_index, e.last_index)
  WHERE l.monthly_local IS NOT NULL
) AS v
GROUP BY v.period_key, v.role, v.month_index, v.account_id, v.stream
HAVING ROUND(12 * GREATEST(CAST(SUM(v.value) AS DECIMAL(18, 6)), 0), 2) > 0
