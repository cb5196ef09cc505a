-- Each locked forecast (forecast_lock_times) with its amount and category, its scope level
-- (company, team, rep, or other for a scope Pulse does not know) and the actual: the scope's
-- bookings in the forecast period (booking_scopes).
SELECT
  l.scope,
  CASE
    WHEN l.scope = 'company' THEN 'company'
    WHEN l.scope LIKE 'team:%' THEN 'team'
    WHEN l.scope LIKE 'rep:%' THEN 'rep'
    ELSE 'other'
  END AS scope_level,
  l.period_start,
  l.period_end,
  l.locked_at,
  f.category,
  f.amount AS forecast,
  COALESCE(SUM(b.amount), 0) AS actual
FROM forecast_lock_times AS l
JOIN forecasts AS f
  ON f.scope = l.scope AND f.period_start = l.period_start AND f.snapshot_at = l.locked_at
LEFT JOIN booking_scopes AS b
  ON b.scope = l.scope AND b.closed_on BETWEEN l.period_start AND l.period_end
GROUP BY l.scope, l.period_start, l.period_end, l.locked_at, f.category, f.amount
