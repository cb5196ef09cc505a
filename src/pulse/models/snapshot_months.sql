-- The month ends each period's recurring-revenue snapshots are taken at (as month indexes, see
-- month_ends), by role: 'start' (the month end before the period), 'end' (its last month end)
-- and 'then' (span_months before the end, for retention). Periods share month ends (one
-- month's end is the next one's start, and a year earlier is often another period's end), so
-- snapshots are computed once per month end (month_end_snapshots) and listed per role here.
SELECT b.period_key, 'start' AS role, b.start_index AS month_index
FROM revenue_period_bounds AS b
UNION ALL
SELECT b.period_key, 'end' AS role, b.end_index AS month_index
FROM revenue_period_bounds AS b
UNION ALL
SELECT b.period_key, 'then' AS role, b.end_index - b.span_months AS month_index
FROM revenue_period_bounds AS b
