-- When each forecast (scope and forecast period) was locked: its last snapshot taken on or
-- before the forecast period's first day. A forecast revised after its period began does not
-- count: accuracy is measured against what was said before the period started.
SELECT
  scope,
  period_start,
  period_end,
  MAX(snapshot_at) AS locked_at
FROM forecasts
WHERE CAST(snapshot_at AS DATE) <= period_start
GROUP BY scope, period_start, period_end
