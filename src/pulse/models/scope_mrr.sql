-- Month-end snapshots per scope: each customer-stream row of customer_mrr (scope = the stream)
-- and, for customers in several streams, a blended row per month (scope = '(all)', the sum of
-- their streams), with the customer's previous and next paying month end in that scope
-- (prev_paid_index, next_paid_index; NULL = none) and last paying month's values, which tell a
-- continuing customer from a new, returning or leaving one.
SELECT
  u.account_id,
  u.scope,
  u.month_index,
  u.mrr,
  u.arr,
  u.mrr_next_rates,
  u.arr_next_rates,
  LAG(u.month_index) OVER w AS prev_paid_index,
  LEAD(u.month_index) OVER w AS next_paid_index,
  LAG(u.mrr) OVER w AS prev_mrr,
  LAG(u.arr) OVER w AS prev_arr,
  LAG(u.mrr_next_rates) OVER w AS prev_mrr_next_rates,
  LAG(u.arr_next_rates) OVER w AS prev_arr_next_rates
FROM (
  SELECT
    c.account_id,
    c.stream AS scope,
    c.month_index,
    c.mrr,
    c.arr,
    c.mrr_next_rates,
    c.arr_next_rates
  FROM customer_mrr AS c
  UNION ALL
  SELECT
    c.account_id,
    '(all)' AS scope,
    c.month_index,
    SUM(c.mrr) AS mrr,
    SUM(c.arr) AS arr,
    SUM(c.mrr_next_rates) AS mrr_next_rates,
    SUM(c.arr_next_rates) AS arr_next_rates
  FROM customer_mrr AS c
  JOIN multi_stream_accounts AS a ON a.account_id = c.account_id
  GROUP BY c.account_id, c.month_index
) AS u
WINDOW w AS (PARTITION BY u.account_id, u.scope ORDER BY u.month_index)
