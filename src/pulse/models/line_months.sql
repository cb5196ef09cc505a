-- One row per subscription line and month end it is active at (start_date <= month end <
-- end_date; an ongoing line runs to the end of the month spine), with its monthly value in the
-- reporting currency at that month's rate (value) and at the next month's rate (value_next).
-- A currency without a rate yet counts at face value (reported by subscription_findings).
SELECT
  x.line_id,
  x.account_id,
  x.stream,
  x.product,
  x.month_index,
  CASE
    WHEN r.rate IS NULL THEN x.monthly_local
    ELSE CAST(CAST(x.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6))
  END AS value,
  CASE
    WHEN COALESCE(rn.rate, r.rate) IS NULL THEN x.monthly_local
    ELSE CAST(CAST(x.monthly_local AS DOUBLE) * COALESCE(rn.rate, r.rate) AS DECIMAL(18, 6))
  END AS value_next
FROM (
  SELECT
    l.line_id,
    l.account_id,
    l.stream,
    l.product,
    l.currency,
    l.monthly_local,
    UNNEST(GENERATE_SERIES(l.first_index, COALESCE(l.end_index - 1, e.last_index))) AS month_index
  FROM subscription_lines AS l
  CROSS JOIN (SELECT MAX(month_index) AS last_index FROM month_ends) AS e
  WHERE l.monthly_local IS NOT NULL
) AS x
LEFT JOIN fx_month_rates AS r ON r.currency = x.currency AND r.month_index = x.month_index
LEFT JOIN fx_month_rates AS rn ON rn.currency = x.currency AND rn.month_index = x.month_index + 1
