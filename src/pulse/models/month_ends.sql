-- The month spine of recurring revenue: one row per month end from the month of the first
-- subscription line to the latest of its last start, its last end and today.
-- month_index = year × 12 + month − 1, so the month before index i is i − 1.
SELECT
  s.month_index,
  LAST_DAY(MAKE_DATE(CAST(FLOOR(s.month_index / 12) AS INTEGER), CAST(s.month_index % 12 AS INTEGER) + 1, 1)) AS month_end
FROM (
  SELECT UNNEST(GENERATE_SERIES(b.first_index, b.last_index)) AS month_index
  FROM (
    SELECT
      MIN(l.first_index) AS first_index,
      GREATEST(MAX(l.first_index), MAX(COALESCE(l.end_index, l.first_index)), MAX(t.today_index)) AS last_index
    FROM subscription_lines AS l
    CROSS JOIN (
      SELECT EXTRACT(YEAR FROM today) * 12 + EXTRACT(MONTH FROM today) - 1 AS today_index
      FROM pulse_settings
    ) AS t
  ) AS b
  WHERE b.first_index IS NOT NULL
) AS s
