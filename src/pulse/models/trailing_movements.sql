-- Movements over the rolling four quarters (twelve month ends) that end with each period's end
-- month end, per customer and stream (mrr_movements rows, so 'cross_stream' keeps the blended
-- classification): the window behind net new ARR over a rolling four quarters.
SELECT
  b.period_key,
  m.account_id,
  m.stream,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  SUM(m.new_arr) AS new_arr,
  SUM(m.reactivation_arr) AS reactivation_arr,
  SUM(m.expansion_arr) AS expansion_arr,
  SUM(m.contraction_arr) AS contraction_arr,
  SUM(m.churn_arr) AS churn_arr,
  SUM(m.fx_arr) AS fx_arr
FROM periods AS p
JOIN revenue_period_bounds AS b ON b.period_key = p.period_key
JOIN mrr_movements AS m ON m.month_index > b.trailing_start_index AND m.month_index <= b.end_index
LEFT JOIN accounts AS a ON a.account_id = m.account_id
GROUP BY b.period_key, m.account_id, m.stream, a.segment, a.region, a.industry
