-- Recurring revenue per customer, stream and month end: the atomic snapshot every revenue KPI
-- adds up. A line counts at a month end when start_date <= month end < end_date (line_months);
-- values are in the reporting currency at the month's rate (mrr, arr) and, for the FX bridge
-- line, at the next month's rate (mrr_next_rates, arr_next_rates: the same book revalued).
-- They are rounded to the cent per customer and stream, ARR as 12 × the unrounded MRR, so
-- every sum of rows is exact. A customer-stream whose lines net to zero or less at a month end
-- has no row that month: it is not paying.
SELECT
  v.account_id,
  v.stream,
  v.month_index,
  m.month_end,
  ROUND(GREATEST(CAST(SUM(v.value) AS DECIMAL(18, 6)), 0), 2) AS mrr,
  ROUND(12 * GREATEST(CAST(SUM(v.value) AS DECIMAL(18, 6)), 0), 2) AS arr,
  ROUND(GREATEST(CAST(SUM(v.value_next) AS DECIMAL(18, 6)), 0), 2) AS mrr_next_rates,
  ROUND(12 * GREATEST(CAST(SUM(v.value_next) AS DECIMAL(18, 6)), 0), 2) AS arr_next_rates
FROM line_months AS v
JOIN month_ends AS m ON m.month_index = v.month_index
GROUP BY v.account_id, v.stream, v.month_index, m.month_end
HAVING ROUND(12 * GREATEST(CAST(SUM(v.value) AS DECIMAL(18, 6)), 0), 2) > 0
