-- Movements between consecutive month ends, per customer and scope (scope_levels: a stream, or
-- '(all)' for a customer in several streams), at the month ends where something can change:
--   new           0 → >0, never paid before in the scope, or away for more months than
--                 pulse_settings.reactivation_window_months (months away = month ends at zero)
--   reactivation  0 → >0 after paying before (within the window; a NULL window = any gap)
--   churn         >0 → 0: the whole of last month's value
--   fx            >0 → >0: last month's book revalued at this month's rates − last month's value
--   expansion / contraction   >0 → >0: this month's value − last month's book at this month's
--                 rates, so an exchange-rate move is never expansion or contraction
-- "Paying" means ARR > 0; zero_since is the month end the customer last stopped paying in the
-- scope (its latest churn), so months away = this month − zero_since. A row balances: start + new + reactivation + expansion − contraction
-- − churn + fx = end. Rows where nothing moved are left out.
SELECT
  j.account_id,
  j.scope,
  j.month_index,
  m.month_end,
  j.movement,
  j.prev_mrr AS start_mrr,
  j.mrr AS end_mrr,
  j.prev_arr AS start_arr,
  j.arr AS end_arr,
  CASE WHEN j.movement = 'new' THEN j.mrr ELSE 0 END AS new_mrr,
  CASE WHEN j.movement = 'reactivation' THEN j.mrr ELSE 0 END AS reactivation_mrr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.mrr - j.book_mrr, 0) ELSE 0 END AS expansion_mrr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.book_mrr - j.mrr, 0) ELSE 0 END AS contraction_mrr,
  CASE WHEN j.movement = 'churn' THEN j.prev_mrr ELSE 0 END AS churn_mrr,
  CASE WHEN j.is_continuing = 1 THEN j.book_mrr - j.prev_mrr ELSE 0 END AS fx_mrr,
  CASE WHEN j.movement = 'new' THEN j.arr ELSE 0 END AS new_arr,
  CASE WHEN j.movement = 'reactivation' THEN j.arr ELSE 0 END AS reactivation_arr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.arr - j.book_arr, 0) ELSE 0 END AS expansion_arr,
  CASE WHEN j.is_continuing = 1 THEN GREATEST(j.book_arr - j.arr, 0) ELSE 0 END AS contraction_arr,
  CASE WHEN j.movement = 'churn' THEN j.prev_arr ELSE 0 END AS churn_arr,
  CASE WHEN j.is_continuing = 1 THEN j.book_arr - j.prev_arr ELSE 0 END AS fx_arr,
  CASE WHEN j.movement = 'new' THEN 1 ELSE 0 END AS new_count,
  CASE WHEN j.movement = 'reactivation' THEN 1 ELSE 0 END AS reactivation_count,
  CASE WHEN j.movement = 'expansion' THEN 1 ELSE 0 END AS expansion_count,
  CASE WHEN j.movement = 'contraction' THEN 1 ELSE 0 END AS contraction_count,
  CASE WHEN j.movement = 'churn' THEN 1 ELSE 0 END AS churn_count
FROM (
  SELECT
    w.account_id,
    w.scope,
    w.month_index,
    w.mrr,
    w.arr,
    w.prev_mrr,
    w.prev_arr,
    w.book_mrr,
    w.book_arr,
    CASE WHEN w.prev_arr > 0 AND w.arr > 0 THEN 1 ELSE 0 END AS is_continuing,
    CASE
      WHEN w.prev_arr > 0 AND w.arr > 0 AND w.arr > w.book_arr THEN 'expansion'
      WHEN w.prev_arr > 0 AND w.arr > 0 AND w.arr < w.book_arr THEN 'contraction'
      WHEN w.prev_arr > 0 AND w.arr > 0 THEN 'flat'
      WHEN w.prev_arr > 0 THEN 'churn'
      WHEN w.arr > 0 AND (
        w.zero_since IS NULL OR w.month_index - w.zero_since > s.reactivation_window_months
      ) THEN 'new'
      WHEN w.arr > 0 THEN 'reactivation'
      ELSE 'none'
    END AS movement
  FROM (
    SELECT
      l.*,
      MAX(CASE WHEN l.prev_arr > 0 AND l.arr <= 0 THEN l.month_index END) OVER (
        PARTITION BY l.account_id, l.scope ORDER BY l.month_index
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS zero_since
    FROM scope_levels AS l
  ) AS w
  CROSS JOIN pulse_settings AS s
) AS j
JOIN month_ends AS m ON m.month_index = j.month_index
WHERE j.movement <> 'none'
  AND (j.movement <> 'flat' OR j.book_arr <> j.prev_arr OR j.book_mrr <> j.prev_mrr
    OR j.arr <> j.book_arr OR j.mrr <> j.book_mrr)
