-- The retention cohort per period, customer and stream: every customer-stream with ARR > 0 at
-- the month end span_months before the period's end month end (12, or the period's length
-- when longer), with its ARR then, its ARR now (0 if gone) and the retained part, min(now, then).
SELECT
  b.period_key,
  t.account_id,
  t.stream,
  b.span_months,
  t.arr AS arr_then,
  COALESCE(n.arr, 0) AS arr_now,
  LEAST(COALESCE(n.arr, 0), t.arr) AS arr_retained,
  CASE WHEN n.arr IS NULL THEN 0 ELSE 1 END AS retained_count
FROM periods AS p
JOIN revenue_period_bounds AS b ON b.period_key = p.period_key
JOIN bound_snapshots AS t ON t.period_key = b.period_key AND t.role = 'then'
LEFT JOIN bound_snapshots AS n
  ON n.period_key = b.period_key AND n.role = 'end' AND n.account_id = t.account_id
  AND n.stream = t.stream
