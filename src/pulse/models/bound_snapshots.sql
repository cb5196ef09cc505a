-- Recurring revenue per period, customer and stream at the month ends the period needs
-- (snapshot_months): role 'start' (the month end before the period), 'end' (its last month
-- end) and 'then' (span_months before the end, for retention), each the month_end_snapshots
-- row of that month end.
SELECT
  w.period_key,
  w.role,
  w.month_index,
  s.account_id,
  s.stream,
  s.mrr,
  s.arr
FROM periods AS p
JOIN snapshot_months AS w ON w.period_key = p.period_key
JOIN month_end_snapshots AS s ON s.month_index = w.month_index
