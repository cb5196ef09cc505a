-- Each period's length in calendar months: for every month the period overlaps, the days of
-- overlap ÷ the days in that month (a month = 1, a quarter = 3, a year = 12, July's first ISO
-- week = 7/31).
SELECT
  p.period_key,
  SUM(
    CAST(
      DATE_DIFF(
        'day',
        GREATEST(p.period_start, CAST(m.month_start AS DATE)),
        LEAST(p.period_end, LAST_DAY(CAST(m.month_start AS DATE)))
      ) + 1 AS DOUBLE
    )
    / DAY(LAST_DAY(CAST(m.month_start AS DATE)))
  ) AS months
FROM periods AS p
CROSS JOIN UNNEST(
  GENERATE_SERIES(CAST(DATE_TRUNC('month', p.period_start) AS DATE), p.period_end, INTERVAL 1 MONTH)
) AS m(month_start)
GROUP BY p.period_key
