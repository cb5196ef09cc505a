-- The ARR bridge's rows per period, customer and stream, before they are added up: the
-- snapshot at the period's start month end (start_*), the movements of every month end in the
-- period (mrr_movements, so 'cross_stream' rows carry the blended reclassification), and the
-- snapshot at its end month end (end_*), each row with the customer's segment, region and
-- industry. Every bridge figure is a sum, so the KPIs add these rows up directly (a customer's
-- rows are added up per customer only for the detail, customer_bridge). On every customer and
-- so on every sum of rows:
--   start + new + reactivation + expansion − contraction − churn + fx = end, to the cent.
-- The month ends of each period are listed (an equality join to the movements, where a range
-- join's plan can degrade badly at scale).
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
  UNION ALL
  SELECT
    b.period_key,
    m.account_id,
    m.stream,
    CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS start_arr,
    CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS end_arr,
    m.new_mrr AS new_mrr,
    m.reactivation_mrr AS reactivation_mrr,
    m.expansion_mrr AS expansion_mrr,
    m.contraction_mrr AS contraction_mrr,
    m.churn_mrr AS churn_mrr,
    m.fx_mrr AS fx_mrr,
    m.new_arr AS new_arr,
    m.reactivation_arr AS reactivation_arr,
    m.expansion_arr AS expansion_arr,
    m.contraction_arr AS contraction_arr,
    m.churn_arr AS churn_arr,
    m.fx_arr AS fx_arr,
    m.new_count AS new_count,
    m.reactivation_count AS reactivation_count,
    m.expansion_count AS expansion_count,
    m.contraction_count AS contraction_count,
    m.churn_count AS churn_count
  FROM (
    SELECT x.period_key, UNNEST(GENERATE_SERIES(x.start_index + 1, x.end_index)) AS month_index
    FROM revenue_period_bounds AS x
    WHERE x.end_index > x.start_index
  ) AS b
  JOIN mrr_movements AS m ON m.month_index = b.month_index
) AS u
JOIN periods AS p ON p.period_key = u.period_key
LEFT JOIN accounts AS a ON a.account_id = u.account_id
