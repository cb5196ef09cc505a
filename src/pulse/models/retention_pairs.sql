-- The retention cohort per period, customer and stream: every customer-stream with ARR > 0 at
-- the month end span_months before the period's end month end (12, or the period's length
-- when longer), with its ARR then, its ARR now (0 if gone) and the retained part, min(now, then).
-- Both sides are month_end_snapshots rows (the month ends bound_snapshots lists as 'then' and
-- 'end'), read here by month: the ARR now is looked up among the rows of the periods' end month
-- ends only, by month, customer and stream.
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
JOIN month_end_snapshots AS t ON t.month_index = b.end_index - b.span_months
LEFT JOIN (
  SELECT s.month_index, s.account_id, s.stream, s.arr
  FROM month_end_snapshots AS s
  JOIN (SELECT DISTINCT e.end_index FROM revenue_period_bounds AS e) AS e
    ON e.end_index = s.month_index
) AS n ON n.month_index = b.end_index AND n.account_id = t.account_id AND n.stream = t.stream
