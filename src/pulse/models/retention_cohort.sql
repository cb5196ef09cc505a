-- The trailing cohort for NRR and GRR in reporting form, per period, customer and stream:
-- retention_pairs (each stream measured on its own), plus a 'cross_stream' row for customers in
-- several streams holding what blending adds: ARR now in streams the customer did not have then
-- (cross-sell counts as expansion blended) and the difference between the customer-level
-- min(now, then) and the sum of the stream-level ones. Summed over all rows these are the
-- blended figures: NRR = Σ arr_now ÷ Σ arr_then, GRR = Σ arr_retained ÷ Σ arr_then, over the
-- customers with ARR > 0 span_months before the period's end; cohort_count counts customers.
SELECT
  r.period_key,
  r.account_id,
  r.stream,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  r.span_months,
  r.arr_then,
  r.arr_now,
  r.arr_retained,
  r.cohort_count,
  r.retained_count
FROM (
  SELECT
    p.period_key,
    p.account_id,
    p.stream,
    p.span_months,
    p.arr_then,
    p.arr_now,
    p.arr_retained,
    1 AS cohort_count,
    p.retained_count
  FROM retention_pairs AS p
  UNION ALL
  SELECT
    g.period_key,
    g.account_id,
    'cross_stream' AS stream,
    g.span_months,
    CAST(0 AS DECIMAL(18, 2)) AS arr_then,
    COALESCE(n.arr_now_all, 0) - g.arr_now AS arr_now,
    LEAST(COALESCE(n.arr_now_all, 0), g.arr_then) - g.arr_retained AS arr_retained,
    1 - g.pairs AS cohort_count,
    CASE WHEN n.arr_now_all IS NULL THEN 0 ELSE 1 END - g.retained_count AS retained_count
  FROM (
    SELECT
      p.period_key,
      p.account_id,
      MAX(p.span_months) AS span_months,
      SUM(p.arr_then) AS arr_then,
      SUM(p.arr_now) AS arr_now,
      SUM(p.arr_retained) AS arr_retained,
      COUNT(*) AS pairs,
      SUM(p.retained_count) AS retained_count
    FROM retention_pairs AS p
    JOIN multi_stream_accounts AS m ON m.account_id = p.account_id
    GROUP BY p.period_key, p.account_id
  ) AS g
  LEFT JOIN (
    SELECT
      c.period_key,
      c.account_id,
      SUM(c.arr) AS arr_now_all
    FROM bound_snapshots AS c
    JOIN multi_stream_accounts AS m ON m.account_id = c.account_id
    WHERE c.role = 'end'
    GROUP BY c.period_key, c.account_id
  ) AS n ON n.period_key = g.period_key AND n.account_id = g.account_id
) AS r
LEFT JOIN accounts AS a ON a.account_id = r.account_id
WHERE r.stream <> 'cross_stream' OR r.arr_now <> 0 OR r.arr_retained <> 0 OR r.cohort_count <> 0
  OR r.retained_count <> 0
