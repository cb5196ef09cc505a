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
  t.month_end,
  'cross_stream' AS movement,
  t.start_mrr,
  t.end_mrr,
  t.new_mrr,
  t.reactivation_mrr,
  t.expansion_mrr,
  t.contraction_mrr,
  t.churn_mrr,
  t.fx_mrr,
  t.start_arr,
  t.end_arr,
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
    n.month_end,
    SUM(n.sign * n.start_mrr) AS start_mrr,
    SUM(n.sign * n.end_mrr) AS end_mrr,
    SUM(n.sign * n.new_mrr) AS new_mrr,
    SUM(n.sign * n.reactivation_mrr) AS reactivation_mrr,
    SUM(n.sign * n.expansion_mrr) AS expansion_mrr,
    SUM(n.sign * n.contraction_mrr) AS contraction_mrr,
    SUM(n.sign * n.churn_mrr) AS churn_mrr,
    SUM(n.sign * n.fx_mrr) AS fx_mrr,
    SUM(n.sign * n.start_arr) AS start_arr,
    SUM(n.sign * n.end_arr) AS end_arr,
    SUM(n.sign * n.new_arr) AS new_arr,
    SUM(n.sign * n.reactivation_arr) AS reactivation_arr,
    SUM(n.sign * n.expansion_arr) AS expansion_arr,
    SUM(n.sign * n.contraction_arr) AS contraction_arr,
    SUM(n.sign * n.churn_arr) AS churn_arr,
    SUM(n.sign * n.fx_arr) AS fx_arr,
    SUM(n.sign * n.new_count) AS new_count,
    SUM(n.sign * n.reactivation_count) AS reactivation_count,
    SUM(n.sign * n.expansion_count) AS expansion_count,
    SUM(n.sign * n.contraction_count) AS contraction_count,
    SUM(n.sign * n.churn_count) AS churn_count
  FROM (
    SELECT
      1 AS sign,
      s.account_id,
      s.month_index,
      s.month_end,
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
    WHERE s.scope = '(all)'
    UNION ALL
    SELECT
      -1 AS sign,
      s.account_id,
      s.month_index,
      s.month_end,
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
    JOIN multi_stream_accounts AS a ON a.account_id = s.account_id
    WHERE s.scope <> '(all)'
  ) AS n
  GROUP BY n.account_id, n.month_index, n.month_end
) AS t
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
