-- For each period, the window of the same length just before it, as a day offset from the
-- period's first day: prev_offset_days is negative and the window is [offset, 0). A period made
-- of whole calendar months (a month, quarter, year, fiscal quarter or year) steps back the same
-- number of months, so the window before 2024-Q2 is exactly 2024-Q1; any other period (a week,
-- a range) steps back the same number of days.
SELECT
  p.period_key,
  CASE
    WHEN EXTRACT(DAY FROM p.period_start) = 1 AND p.period_end = LAST_DAY(p.period_end) THEN DATE_DIFF(
      'day',
      p.period_start,
      MAKE_DATE(
        CAST(FLOOR((YEAR(p.period_start) * 12 + MONTH(p.period_start) - 1 - (DATE_DIFF('month', p.period_start, p.period_end) + 1)) / 12) AS INTEGER),
        CAST((YEAR(p.period_start) * 12 + MONTH(p.period_start) - 1 - (DATE_DIFF('month', p.period_start, p.period_end) + 1)) % 12 + 1 AS INTEGER),
        1
      )
    )
    ELSE -(DATE_DIFF('day', p.period_start, p.period_end) + 1)
  END AS prev_offset_days
FROM periods AS p
