-- The months at which each subscription line changes a customer-stream's recurring revenue,
-- instead of one row per month it is active. A line in the reporting currency (or in a currency
-- with no rates at all) changes it twice: +value in its first month, −value in the month it
-- ends (a line never active at a month end has no row). A line in a currency with rates changes
-- it every month, because its converted value moves: level is its value at that month's rate,
-- delta the change since the month before, and reval the change of last month's value at this
-- month's rate (the FX bridge line: last month's book revalued). Values are in the reporting
-- currency, each rounded to 6 decimal places exactly as line_months does, so
-- Σ delta up to a month = the sum of line_months' values then.
SELECT
  l.account_id,
  l.stream,
  l.first_index AS month_index,
  l.monthly_local AS delta,
  CAST(0 AS DECIMAL(18, 6)) AS reval
FROM subscription_lines AS l
LEFT JOIN (SELECT DISTINCT currency FROM fx_rates) AS c ON c.currency = l.currency
WHERE l.monthly_local IS NOT NULL AND c.currency IS NULL
  AND (l.end_index IS NULL OR l.end_index > l.first_index)
UNION ALL
SELECT
  l.account_id,
  l.stream,
  l.end_index AS month_index,
  -l.monthly_local AS delta,
  CAST(0 AS DECIMAL(18, 6)) AS reval
FROM subscription_lines AS l
LEFT JOIN (SELECT DISTINCT currency FROM fx_rates) AS c ON c.currency = l.currency
WHERE l.monthly_local IS NOT NULL AND c.currency IS NULL AND l.end_index > l.first_index
UNION ALL
SELECT
  v.account_id,
  v.stream,
  v.month_index,
  v.level - v.previous_level AS delta,
  CASE WHEN v.month_index > v.first_index THEN v.revalued - v.previous_level ELSE 0 END AS reval
FROM (
  SELECT
    x.account_id,
    x.stream,
    x.first_index,
    x.month_index,
    CASE
      WHEN x.end_index IS NOT NULL AND x.month_index >= x.end_index THEN CAST(0 AS DECIMAL(18, 6))
      WHEN r.rate IS NULL THEN x.monthly_local
      ELSE CAST(CAST(x.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6))
    END AS level,
    CASE
      WHEN x.month_index = x.first_index THEN CAST(0 AS DECIMAL(18, 6))
      WHEN rp.rate IS NULL THEN x.monthly_local
      ELSE CAST(CAST(x.monthly_local AS DOUBLE) * rp.rate AS DECIMAL(18, 6))
    END AS previous_level,
    CASE
      WHEN r.rate IS NULL THEN x.monthly_local
      ELSE CAST(CAST(x.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6))
    END AS revalued
  FROM (
    SELECT
      l.account_id,
      l.stream,
      l.currency,
      l.monthly_local,
      l.first_index,
      l.end_index,
      UNNEST(GENERATE_SERIES(l.first_index, COALESCE(l.end_index, e.last_index))) AS month_index
    FROM subscription_lines AS l
    JOIN (SELECT DISTINCT currency FROM fx_rates) AS c ON c.currency = l.currency
    CROSS JOIN (SELECT MAX(month_index) AS last_index FROM month_ends) AS e
    WHERE l.monthly_local IS NOT NULL AND (l.end_index IS NULL OR l.end_index > l.first_index)
  ) AS x
  LEFT JOIN fx_month_rates AS r ON r.currency = x.currency AND r.month_index = x.month_index
  LEFT JOIN fx_month_rates AS rp ON rp.currency = x.currency AND rp.month_index = x.month_index - 1
) AS v
