-- For each period being computed, per scope (the company roll-up, each team, each rep): the
-- locked forecasts whose forecast period ended inside it and before today (an unfinished
-- period has no actual yet), at the coarsest forecast grain the scope has there (week < month <
-- quarter < half < year; a quarter's forecast wins over its months', so no booking counts
-- twice), with forecast − actual (error) and its absolute value.
SELECT
  x.period_key,
  x.scope,
  x.scope_level,
  x.forecast_start,
  x.forecast_end,
  x.forecast,
  x.actual,
  x.forecast - x.actual AS error,
  ABS(x.forecast - x.actual) AS abs_error
FROM (
  SELECT
    y.*,
    MAX(y.grain) OVER (PARTITION BY y.period_key, y.scope) AS top_grain
  FROM (
    SELECT
      p.period_key,
      u.scope,
      u.scope_level,
      u.period_start AS forecast_start,
      u.period_end AS forecast_end,
      u.forecast,
      u.actual,
      CASE
        WHEN DATE_DIFF('day', u.period_start, u.period_end) < 7 THEN 1
        WHEN DATE_DIFF('day', u.period_start, u.period_end) < 31 THEN 2
        WHEN DATE_DIFF('day', u.period_start, u.period_end) < 92 THEN 3
        WHEN DATE_DIFF('day', u.period_start, u.period_end) < 184 THEN 4
        ELSE 5
      END AS grain
    FROM periods AS p
    CROSS JOIN pulse_settings AS s
    JOIN (
      SELECT 'company' AS scope, 'company' AS scope_level, period_start, period_end, forecast, actual
      FROM forecast_company_periods
      UNION ALL
      SELECT scope, scope_level, period_start, period_end, forecast, actual
      FROM forecast_locked
      WHERE scope_level IN ('team', 'rep')
    ) AS u
      ON u.period_end BETWEEN p.period_start AND p.period_end AND u.period_end < s.today
  ) AS y
) AS x
WHERE x.grain = x.top_grain
