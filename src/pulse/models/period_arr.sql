-- ARR and MRR per period, customer and stream at the period's end month end (the last month
-- end on or before the period's end or as-of date; see revenue_period_bounds), with the
-- customer's segment, region and industry. The same snapshot the bridge ends on.
SELECT
  c.period_key,
  c.account_id,
  c.stream,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  c.month_index,
  c.mrr,
  c.arr
FROM periods AS p
JOIN bound_snapshots AS c ON c.period_key = p.period_key AND c.role = 'end'
LEFT JOIN accounts AS a ON a.account_id = c.account_id
