-- Recurring revenue per scope at the month ends where it can change: each stream_levels row
-- (scope = the stream) and, for customers in several streams, the blended figures (scope =
-- '(all)') at every month end where any of their streams can change. Blended amounts are sums
-- of the streams' rounded amounts, built from their changes: mrr = the running sum of the
-- streams' changes, prev_mrr = mrr before this month's changes, book_mrr = prev_mrr plus the
-- streams' revaluations; so blended always equals the sum of the streams, to the cent.
SELECT
  s.account_id,
  s.stream AS scope,
  s.month_index,
  s.mrr,
  s.arr,
  s.prev_mrr,
  s.prev_arr,
  s.book_mrr,
  s.book_arr
FROM stream_levels AS s
UNION ALL
SELECT
  b.account_id,
  '(all)' AS scope,
  b.month_index,
  CAST(b.mrr AS DECIMAL(18, 2)) AS mrr,
  CAST(b.arr AS DECIMAL(18, 2)) AS arr,
  CAST(b.mrr - b.d_mrr AS DECIMAL(18, 2)) AS prev_mrr,
  CAST(b.arr - b.d_arr AS DECIMAL(18, 2)) AS prev_arr,
  CAST(b.mrr - b.d_mrr + b.db_mrr AS DECIMAL(18, 2)) AS book_mrr,
  CAST(b.arr - b.d_arr + b.db_arr AS DECIMAL(18, 2)) AS book_arr
FROM (
  SELECT
    s.account_id,
    s.month_index,
    SUM(s.mrr - s.prev_mrr) AS d_mrr,
    SUM(s.arr - s.prev_arr) AS d_arr,
    SUM(s.book_mrr - s.prev_mrr) AS db_mrr,
    SUM(s.book_arr - s.prev_arr) AS db_arr,
    SUM(SUM(s.mrr - s.prev_mrr)) OVER (
      PARTITION BY s.account_id ORDER BY s.month_index
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS mrr,
    SUM(SUM(s.arr - s.prev_arr)) OVER (
      PARTITION BY s.account_id ORDER BY s.month_index
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS arr
  FROM stream_levels AS s
  JOIN multi_stream_accounts AS a ON a.account_id = s.account_id
  GROUP BY s.account_id, s.month_index
) AS b
