-- Recurring revenue per customer and stream at every month end where it can change (see
-- line_changes), with the month end before: level is the exact sum of the active lines' values,
-- previous_level the sum one month end earlier (unchanged since the previous row), book_level
-- last month's lines at this month's rates. The rounded figures (cents; ARR = 12 × the
-- unrounded value, then rounded; never below zero) are what every bridge adds up:
-- mrr/arr now, prev_mrr/prev_arr a month end earlier, book_mrr/book_arr last month's book
-- revalued. Equal to customer_mrr at every month end (where customer_mrr has a row).
SELECT
  s.account_id,
  s.stream,
  s.month_index,
  ROUND(GREATEST(s.level, 0), 2) AS mrr,
  ROUND(12 * GREATEST(s.level, 0), 2) AS arr,
  ROUND(GREATEST(s.level - s.delta, 0), 2) AS prev_mrr,
  ROUND(12 * GREATEST(s.level - s.delta, 0), 2) AS prev_arr,
  ROUND(GREATEST(s.level - s.delta + s.reval, 0), 2) AS book_mrr,
  ROUND(12 * GREATEST(s.level - s.delta + s.reval, 0), 2) AS book_arr
FROM (
  SELECT
    c.account_id,
    c.stream,
    c.month_index,
    CAST(SUM(c.delta) AS DECIMAL(18, 6)) AS delta,
    CAST(SUM(c.reval) AS DECIMAL(18, 6)) AS reval,
    CAST(SUM(SUM(c.delta)) OVER (
      PARTITION BY c.account_id, c.stream ORDER BY c.month_index
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS DECIMAL(18, 6)) AS level
  FROM line_changes AS c
  GROUP BY c.account_id, c.stream, c.month_index
) AS s
