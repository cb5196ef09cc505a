-- The company's forecast of each forecast period: its company row if there is one, else the sum
-- of its team rows, else the sum of its rep rows (forecast_from says which), against the
-- company's bookings in that period.
SELECT
  c.period_start,
  c.period_end,
  c.forecast,
  c.forecast_from,
  COALESCE(SUM(b.amount), 0) AS actual
FROM (
  SELECT
    period_start,
    period_end,
    CASE
      WHEN SUM(CASE WHEN scope_level = 'company' THEN 1 ELSE 0 END) > 0
        THEN SUM(CASE WHEN scope_level = 'company' THEN forecast END)
      WHEN SUM(CASE WHEN scope_level = 'team' THEN 1 ELSE 0 END) > 0
        THEN SUM(CASE WHEN scope_level = 'team' THEN forecast END)
      ELSE SUM(CASE WHEN scope_level = 'rep' THEN forecast END)
    END AS forecast,
    CASE
      WHEN SUM(CASE WHEN scope_level = 'company' THEN 1 ELSE 0 END) > 0 THEN 'company'
      WHEN SUM(CASE WHEN scope_level = 'team' THEN 1 ELSE 0 END) > 0 THEN 'teams'
      ELSE 'reps'
    END AS forecast_from
  FROM forecast_locked
  WHERE scope_level <> 'other'
  GROUP BY period_start, period_end
) AS c
LEFT JOIN booking_scopes AS b
  ON b.scope = 'company' AND b.closed_on BETWEEN c.period_start AND c.period_end
GROUP BY c.period_start, c.period_end, c.forecast, c.forecast_from
