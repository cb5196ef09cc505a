-- The ARR bridge's rows per period, customer and stream, before they are added up: the
-- snapshot at the period's start month end (start_*), the movements of every month end in the
-- period (bridge_movement_rows), and the snapshot at its end month end (end_*), each row with
-- the customer's segment, region and industry. What the bridge's detail adds up per customer
-- (customer_bridge); the KPIs add up the same figures from bridge_sums, whose snapshots are
-- added up once per segment. On every customer and so on every sum of rows:
--   start + new + reactivation + expansion − contraction − churn + fx = end, to the cent.
SELECT
  u.*,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry
FROM (
  SELECT
    c.period_key,
    c.account_id,
    c.stream,
    c.mrr AS start_mrr,
    c.arr AS start_arr,
    CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS end_arr,
    CAST(0 AS DECIMAL(18, 2)) AS new_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS reactivation_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS expansion_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS contraction_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS churn_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS fx_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS new_arr,
    CAST(0 AS DECIMAL(18, 2)) AS reactivation_arr,
    CAST(0 AS DECIMAL(18, 2)) AS expansion_arr,
    CAST(0 AS DECIMAL(18, 2)) AS contraction_arr,
    CAST(0 AS DECIMAL(18, 2)) AS churn_arr,
    CAST(0 AS DECIMAL(18, 2)) AS fx_arr,
    0 AS new_count,
    0 AS reactivation_count,
    0 AS expansion_count,
    0 AS contraction_count,
    0 AS churn_count
  FROM bound_snapshots AS c
  WHERE c.role = 'start'
  UNION ALL
  SELECT
    c.period_key,
    c.account_id,
    c.stream,
    CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS start_arr,
    c.mrr AS end_mrr,
    c.arr AS end_arr,
    CAST(0 AS DECIMAL(18, 2)) AS new_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS reactivation_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS expansion_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS contraction_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS churn_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS fx_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS new_arr,
    CAST(0 AS DECIMAL(18, 2)) AS reactivation_arr,
    CAST(0 AS DECIMAL(18, 2)) AS expansion_arr,
    CAST(0 AS DECIMAL(18, 2)) AS contraction_arr,
    CAST(0 AS DECIMAL(18, 2)) AS churn_arr,
    CAST(0 AS DECIMAL(18, 2)) AS fx_arr,
    0 AS new_count,
    0 AS reactivation_count,
    0 AS expansion_count,
    0 AS contraction_count,
    0 AS churn_count
  FROM bound_snapshots AS c
  WHERE c.role = 'end'
) AS u
LEFT JOIN accounts AS a ON a.account_id = u.account_id
UNION ALL
SELECT
  r.period_key,
  r.account_id,
  r.stream,
  CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
  CAST(0 AS DECIMAL(18, 2)) AS start_arr,
  CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
  CAST(0 AS DECIMAL(18, 2)) AS end_arr,
  r.new_mrr,
  r.reactivation_mrr,
  r.expansion_mrr,
  r.contraction_mrr,
  r.churn_mrr,
  r.fx_mrr,
  r.new_arr,
  r.reactivation_arr,
  r.expansion_arr,
  r.contraction_arr,
  r.churn_arr,
  r.fx_arr,
  r.new_count,
  r.reactivation_count,
  r.expansion_count,
  r.contraction_count,
  r.churn_count,
  r.segment,
  r.region,
  r.industry
FROM bridge_movement_rows AS r
