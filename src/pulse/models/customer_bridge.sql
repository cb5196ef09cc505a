-- The recurring-revenue bridge per period, customer and stream (bridge_rows added up per
-- customer): the snapshot at the period's start month end, the movements of every month end in
-- the period and the snapshot at its end month end. What the bridge's detail lists; the KPIs
-- add up the same figures (bridge_sums). On every row, and so on every sum of rows:
--   start + new + reactivation + expansion − contraction − churn + fx = end, to the cent.
SELECT
  r.period_key,
  r.account_id,
  r.stream,
  r.segment,
  r.region,
  r.industry,
  SUM(r.start_mrr) AS start_mrr,
  SUM(r.start_arr) AS start_arr,
  SUM(r.end_mrr) AS end_mrr,
  SUM(r.end_arr) AS end_arr,
  SUM(r.new_mrr) AS new_mrr,
  SUM(r.reactivation_mrr) AS reactivation_mrr,
  SUM(r.expansion_mrr) AS expansion_mrr,
  SUM(r.contraction_mrr) AS contraction_mrr,
  SUM(r.churn_mrr) AS churn_mrr,
  SUM(r.fx_mrr) AS fx_mrr,
  SUM(r.new_arr) AS new_arr,
  SUM(r.reactivation_arr) AS reactivation_arr,
  SUM(r.expansion_arr) AS expansion_arr,
  SUM(r.contraction_arr) AS contraction_arr,
  SUM(r.churn_arr) AS churn_arr,
  SUM(r.fx_arr) AS fx_arr,
  SUM(r.new_count) AS new_count,
  SUM(r.reactivation_count) AS reactivation_count,
  SUM(r.expansion_count) AS expansion_count,
  SUM(r.contraction_count) AS contraction_count,
  SUM(r.churn_count) AS churn_count
FROM periods AS p
JOIN bridge_rows AS r ON r.period_key = p.period_key
GROUP BY r.period_key, r.account_id, r.stream, r.segment, r.region, r.industry
