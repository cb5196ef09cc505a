-- Recurring revenue per customer and stream at each month end a period needs (snapshot_months):
-- the stream_levels row in force then — the latest month end at or before it where the level
-- could change (a level holds until its next change; past the month spine the last one holds,
-- at the latest exchange rate). The same rule and rounding as customer_mrr, so a figure here
-- equals customer_mrr's for that month end; customer-streams not paying then (ARR 0) have no
-- row. Reading the levels the bridge's movements are built from, instead of adding up every
-- line active at each month end, keeps snapshots and movements on one set of figures.
SELECT
  w.month_index,
  s.account_id,
  s.stream,
  s.mrr,
  s.arr
FROM (SELECT DISTINCT m.month_index FROM snapshot_months AS m) AS w
JOIN (
  SELECT
    l.account_id,
    l.stream,
    l.month_index AS from_index,
    LEAD(l.month_index, 1, 2147483647) OVER (
      PARTITION BY l.account_id, l.stream ORDER BY l.month_index
    ) AS to_index,
    l.mrr,
    l.arr
  FROM stream_levels AS l
) AS s
  ON s.from_index <= w.month_index AND s.to_index > w.month_index
WHERE s.arr > 0
