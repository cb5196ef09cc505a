-- For each period, the month ends its recurring-revenue figures use (as month indexes, see
-- month_ends). start_index: the month end before the period's first day. end_index: the last
-- month end on or before the period's end, or before its as-of date when that is earlier. The
-- bridge covers the month ends in (start_index, end_index]; a week with no month end in it has
-- none. span_months is the retention span: 12, or the period's length in months when longer
-- (rolling-24m measures a 24-month cohort). trailing_start_index opens the rolling four
-- quarters (twelve months) that end with the period.
SELECT
  e.period_key,
  e.period_start,
  e.period_end,
  e.start_index,
  GREATEST(e.end_index, e.start_index) AS end_index,
  GREATEST(12, GREATEST(e.end_index, e.start_index) - e.start_index) AS span_months,
  GREATEST(e.end_index, e.start_index) - 12 AS trailing_start_index
FROM (
  SELECT
    d.period_key,
    d.period_start,
    d.period_end,
    EXTRACT(YEAR FROM d.period_start) * 12 + EXTRACT(MONTH FROM d.period_start) - 2 AS start_index,
    EXTRACT(YEAR FROM d.end_day) * 12 + EXTRACT(MONTH FROM d.end_day) - 1
      - CASE WHEN d.end_day = LAST_DAY(d.end_day) THEN 0 ELSE 1 END AS end_index
  FROM (
    SELECT
      p.period_key,
      p.period_start,
      p.period_end,
      LEAST(p.period_end, COALESCE(p.as_of, p.period_end)) AS end_day
    FROM periods AS p
  ) AS d
) AS e
