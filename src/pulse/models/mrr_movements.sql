-- Month-by-month movements in reporting form, one row per customer, stream and month end:
-- each stream's own movements, plus a 'cross_stream' row for customers in several streams that
-- holds the blended movements minus the sum of their streams' (a customer moving from one
-- stream to another is churn in one stream and new in the other, but no movement blended).
-- Rows add up: by stream you read each stream's own bridge, and the sum of all rows is the
-- blended bridge, where the whole customer is new, expands, contracts or churns.
SELECT
  s.account_id,
  s.scope AS stream,
  s.month_index,
  s.month_end,
  s.movement,
  s.start_mrr,
  s.end_mrr,
  s.new_mrr,
  s.reactivation_mrr,
  s.expansion_mrr,
  s.contraction_mrr,
  s.churn_mrr,
  s.fx_mrr,
  s.start_arr,
  s.end_arr,
  s.new_arr,
  s.reactivation_arr,
  s.expansion_arr,
  s.contraction_arr,
  s.churn_arr,
  s.fx_arr,
  s.new_count,
  s.reactivation_count,
  s.expansion_count,
  s.contraction_count,
  s.churn_count
FROM scope_movements AS s
WHERE s.scope <> '(all)'
UNION ALL
SELECT
  t.account_id,
  'cross_stream' AS stream,
  t.month_index,
  m.month_end,
  'cross_stream' AS movement,
  CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
  CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
  t.new_mrr,
  t.reactivation_mrr,
  t.expansion_mrr,
  t.contraction_mrr,
  t.churn_mrr,
  t.fx_mrr,
  CAST(0 AS DECIMAL(18, 2)) AS start_arr,
  CAST(0 AS DECIMAL(18, 2)) AS end_arr,
  t.new_arr,
  t.reactivation_arr,
  t.expansion_arr,
  t.contraction_arr,
  t.churn_arr,
  t.fx_arr,
  t.new_count,
  t.reactivation_count,
  t.expansion_count,
  t.contraction_count,
  t.churn_count
FROM (
  SELECT
    n.account_id,
    n.month_index,
    CAST(SUM(n.sign * n.new_mrr) AS DECIMAL(18, 2)) AS new_mrr,
    CAST(SUM(n.sign * n.reactivation_mrr) AS DECIMAL(18, 2)) AS reactivation_mrr,
    CAST(SUM(n.sign * n.expansion_mrr) AS DECIMAL(18, 2)) AS expansion_mrr,
    CAST(SUM(n.sign * n.contraction_mrr) AS DECIMAL(18, 2)) AS contraction_mrr,
    CAST(SUM(n.sign * n.churn_mrr) AS DECIMAL(18, 2)) AS churn_mrr,
    CAST(SUM(n.sign * n.fx_mrr) AS DECIMAL(18, 2)) AS fx_mrr,
    CAST(SUM(n.sign * n.new_arr) AS DECIMAL(18, 2)) AS new_arr,
    CAST(SUM(n.sign * n.reactivation_arr) AS DECIMAL(18, 2)) AS reactivation_arr,
    CAST(SUM(n.sign * n.expansion_arr) AS DECIMAL(18, 2)) AS expansion_arr,
    CAST(SUM(n.sign * n.contraction_arr) AS DECIMAL(18, 2)) AS contraction_arr,
    CAST(SUM(n.sign * n.churn_arr) AS DECIMAL(18, 2)) AS churn_arr,
    CAST(SUM(n.sign * n.fx_arr) AS DECIMAL(18, 2)) AS fx_arr,
    CAST(SUM(n.sign * n.new_count) AS INTEGER) AS new_count,
    CAST(SUM(n.sign * n.reactivation_count) AS INTEGER) AS reactivation_count,
    CAST(SUM(n.sign * n.expansion_count) AS INTEGER) AS expansion_count,
    CAST(SUM(n.sign * n.contraction_count) AS INTEGER) AS contraction_count,
    CAST(SUM(n.sign * n.churn_count) AS INTEGER) AS churn_count
  FROM (
    SELECT
      1 AS sign,
      s.account_id,
      s.month_index,
      s.new_mrr,
      s.reactivation_mrr,
      s.expansion_mrr,
      s.contraction_mrr,
      s.churn_mrr,
      s.fx_mrr,
      s.new_arr,
      s.reactivation_arr,
      s.expansion_arr,
      s.contraction_arr,
      s.churn_arr,
      s.fx_arr,
      s.new_count,
      s.reactivation_count,
      s.expansion_count,
      s.contraction_count,
      s.churn_count
    FROM scope_movements AS s
    WHERE s.scope = '(all)'
    UNION ALL
    SELECT
      -1 AS sign,
      s.account_id,
      s.month_index,
      s.new_mrr,
      s.reactivation_mrr,
      s.expansion_mrr,
      s.contraction_mrr,
      s.churn_mrr,
      s.fx_mrr,
      s.new_arr,
      s.reactivation_arr,
      s.expansion_arr,
      s.contraction_arr,
      s.churn_arr,
      s.fx_arr,
      s.new_count,
      s.reactivation_count,
      s.expansion_count,
      s.contraction_count,
      s.churn_count
    FROM scope_movements AS s
    JOIN multi_stream_accounts AS a ON a.account_id = s.account_id
    WHERE s.scope <> '(all)'
  ) AS n
  GROUP BY n.account_id, n.month_index
) AS t
JOIN month_ends AS m ON m.month_index = t.month_index
WHERE t.new_mrr <> 0
  OR t.reactivation_mrr <> 0
  OR t.expansion_mrr <> 0
  OR t.contraction_mrr <> 0
  OR t.churn_mrr <> 0
  OR t.fx_mrr <> 0
  OR t.new_arr <> 0
  OR t.reactivation_arr <> 0
  OR t.expansion_arr <> 0
  OR t.contraction_arr <> 0
  OR t.churn_arr <> 0
  OR t.fx_arr <> 0
  OR t.new_count <> 0
  OR t.reactivation_count <> 0
  OR t.expansion_count <> 0
  OR t.contraction_count <> 0
  OR t.churn_count <> 0
