-- The movements of the ARR bridge per period, customer and stream: every month end's
-- mrr_movements row in the period (so 'cross_stream' rows carry the blended reclassification),
-- with the customer's segment, region and industry. The month ends of each period are listed
-- (an equality join to the movements, where a range join's plan can degrade badly at scale).
-- Read by bridge_rows (per customer, with the snapshots) and bridge_sums (for the KPIs).
SELECT
  b.period_key,
  m.account_id,
  m.stream,
  m.new_mrr,
  m.reactivation_mrr,
  m.expansion_mrr,
  m.contraction_mrr,
  m.churn_mrr,
  m.fx_mrr,
  m.new_arr,
  m.reactivation_arr,
  m.expansion_arr,
  m.contraction_arr,
  m.churn_arr,
  m.fx_arr,
  m.new_count,
  m.reactivation_count,
  m.expansion_count,
  m.contraction_count,
  m.churn_count,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry
FROM periods AS p
JOIN (
  SELECT x.period_key, UNNEST(GENERATE_SERIES(x.start_index + 1, x.end_index)) AS month_index
  FROM revenue_period_bounds AS x
  WHERE x.end_index > x.start_index
) AS b ON b.period_key = p.period_key
JOIN mrr_movements AS m ON m.month_index = b.month_index
LEFT JOIN accounts AS a ON a.account_id = m.account_id
