-- The company rows of forecast_scope_periods: the company's locked forecasts against its
-- bookings, for forecast periods that ended inside each period being computed.
SELECT
  p.period_key,
  f.forecast_start,
  f.forecast_end,
  f.forecast,
  f.actual,
  f.error,
  f.abs_error
FROM periods AS p
JOIN forecast_scope_periods AS f ON f.period_key = p.period_key
WHERE f.scope_level = 'company'
