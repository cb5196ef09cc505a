-- Movements between consecutive month ends, per customer and scope (see scope_mrr). Comparing
-- the snapshot at month end m with the one at m − 1:
--   new           0 → >0, never paid before in the scope, or away for more months than
--                 pulse_settings.reactivation_window_months (months away = month ends at zero)
--   reactivation  0 → >0 after paying before (within the window; a NULL window = any gap)
--   churn         >0 → 0: the whole of last month's value
--   fx            >0 → >0: last month's book revalued at this month's rates − last month's value
--   expansion / contraction   >0 → >0: this month's value − last month's book at this month's
--                 rates, so an exchange-rate move is never expansion or contraction
-- A row balances: start + new + reactivation + expansion − contraction − churn + fx = end.
-- Rows where nothing moved are left out; churn after the spine's last month end is not shown.
SELECT
  j.account_id,
  j.scope,
  j.month_index,
  m.month_end,
  j.movement,
  j.start_mrr,
  j.end_mrr,
  j.start_arr,
  j.end_arr,
  CASE WHEN j.movement = 'new' THEN j.end_mrr ELSE 0 END AS new_mrr,
  CASE WHEN j.movement = 'reactivation' THEN j.end_mrr ELSE 0 END AS reactivation_mrr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.end_mrr - j.book_mrr, 0) ELSE 0 END AS expansion_mrr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.book_mrr - j.end_mrr, 0) ELSE 0 END AS contraction_mrr,
  CASE WHEN j.movement = 'churn' THEN j.start_mrr ELSE 0 END AS churn_mrr,
  CASE WHEN j.is_continuing = 1 THEN j.book_mrr - j.start_mrr ELSE 0 END AS fx_mrr,
  CASE WHEN j.movement = 'new' THEN j.end_arr ELSE 0 END AS new_arr,
  CASE WHEN j.movement = 'reactivation' THEN j.end_arr ELSE 0 END AS reactivation_arr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.end_arr - j.book_arr, 0) ELSE 0 END AS expansion_arr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.book_arr - j.end_arr, 0) ELSE 0 END AS contraction_arr,
  CASE WHEN j.movement = 'churn' THEN j.start_arr ELSE 0 END AS churn_arr,
  CASE WHEN j.is_continuing = 1 THEN j.book_arr - j.start_arr ELSE 0 END AS fx_arr,
  CASE WHEN j.movement = 'new' THEN 1 ELSE 0 END AS new_count,
  CASE WHEN j.movement = 'reactivation' THEN 1 ELSE 0 END AS reactivation_count,
  CASE WHEN j.movement = 'expansion' THEN 1 ELSE 0 END AS expansion_count,
  CASE WHEN j.movement = 'contraction' THEN 1 ELSE 0 END AS contraction_count,
  CASE WHEN j.movement = 'churn' THEN 1 ELSE 0 END AS churn_count
FROM (
  SELECT
    c.account_id,
    c.scope,
    c.month_index,
    c.is_continuing,
    CASE WHEN c.is_continuing = 1 THEN c.prev_mrr ELSE 0 END AS start_mrr,
    CASE WHEN c.is_continuing = 1 THEN c.prev_arr ELSE 0 END AS start_arr,
    c.mrr AS end_mrr,
    c.arr AS end_arr,
    CASE WHEN c.is_continuing = 1 THEN c.prev_mrr_next_rates ELSE 0 END AS book_mrr,
    CASE WHEN c.is_continuing = 1 THEN c.prev_arr_next_rates ELSE 0 END AS book_arr,
    CASE
      WHEN c.is_continuing = 1 AND c.arr > c.prev_arr_next_rates THEN 'expansion'
      WHEN c.is_continuing = 1 AND c.arr < c.prev_arr_next_rates THEN 'contraction'
      WHEN c.is_continuing = 1 THEN 'flat'
      WHEN c.prev_paid_index IS NULL
        OR c.month_index - c.prev_paid_index - 1 > s.reactivation_window_months THEN 'new'
      ELSE 'reactivation'
    END AS movement
  FROM (
    SELECT
      x.*,
      CASE WHEN x.prev_paid_index = x.month_index - 1 THEN 1 ELSE 0 END AS is_continuing
    FROM scope_mrr AS x
  ) AS c
  CROSS JOIN pulse_settings AS s
  UNION ALL
  SELECT
    x.account_id,
    x.scope,
    x.month_index + 1 AS month_index,
    0 AS is_continuing,
    x.mrr AS start_mrr,
    x.arr AS start_arr,
    0 AS end_mrr,
    0 AS end_arr,
    0 AS book_mrr,
    0 AS book_arr,
    'churn' AS movement
  FROM scope_mrr AS x
  WHERE x.next_paid_index IS NULL OR x.next_paid_index > x.month_index + 1
) AS j
JOIN month_ends AS m ON m.month_index = j.month_index
WHERE j.is_continuing = 0 OR j.book_arr <> j.start_arr OR j.book_mrr <> j.start_mrr
  OR j.end_arr <> j.book_arr OR j.end_mrr <> j.book_mrr
