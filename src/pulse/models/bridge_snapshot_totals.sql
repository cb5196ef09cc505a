-- The snapshots of the ARR bridge added up per period, stream, segment, region and industry:
-- start_* at the period's start month end, end_* at its end month end (bound_snapshots), each
-- customer with its segment, region and industry. Computed once for the bridge KPIs of a
-- scorecard (bridge_sums), which otherwise each added up every customer's two snapshots.
SELECT
  p.period_key,
  s.stream,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  SUM(CASE WHEN s.role = 'start' THEN s.mrr ELSE 0 END) AS start_mrr,
  SUM(CASE WHEN s.role = 'start' THEN s.arr ELSE 0 END) AS start_arr,
  SUM(CASE WHEN s.role = 'end' THEN s.mrr ELSE 0 END) AS end_mrr,
  SUM(CASE WHEN s.role = 'end' THEN s.arr ELSE 0 END) AS end_arr
FROM periods AS p
JOIN bound_snapshots AS s ON s.period_key = p.period_key AND s.role IN ('start', 'end')
LEFT JOIN accounts AS a ON a.account_id = s.account_id
GROUP BY p.period_key, s.stream, COALESCE(a.segment, '(none)'), COALESCE(a.region, '(none)'),
  COALESCE(a.industry, '(none)')
