-- Services clients per period: an account is a client at a month end when it has recurring
-- revenue then (ARR > 0, e.g. a retainer in subscriptions) or was invoiced (positive revenue)
-- in the twelve months ending with that month. at_start uses the month end before the period,
-- at_end the period's end month end; lost = a client at the start that is no client at the end.
SELECT
  s.period_key,
  s.account_id,
  COALESCE(a.segment, '(none)') AS segment,
  COALESCE(a.region, '(none)') AS region,
  COALESCE(a.industry, '(none)') AS industry,
  s.at_start,
  s.at_end,
  CASE WHEN s.at_start = 1 AND s.at_end = 0 THEN 1 ELSE 0 END AS lost
FROM (
  SELECT
    u.period_key,
    u.account_id,
    MAX(u.at_start) AS at_start,
    MAX(u.at_end) AS at_end
  FROM (
    SELECT
      c.period_key,
      c.account_id,
      CASE WHEN c.role = 'start' THEN 1 ELSE 0 END AS at_start,
      CASE WHEN c.role = 'end' THEN 1 ELSE 0 END AS at_end
    FROM bound_snapshots AS c
    WHERE c.role IN ('start', 'end')
    UNION ALL
    SELECT
      b.period_key,
      i.account_id,
      CASE WHEN i.month_index > b.start_index - 12 AND i.month_index <= b.start_index THEN 1 ELSE 0 END AS at_start,
      CASE WHEN i.month_index > b.end_index - 12 AND i.month_index <= b.end_index THEN 1 ELSE 0 END AS at_end
    FROM revenue_period_bounds AS b
    JOIN (
      SELECT
        account_id,
        EXTRACT(YEAR FROM issued_at) * 12 + EXTRACT(MONTH FROM issued_at) - 1 AS month_index
      FROM invoice_facts
      WHERE account_id IS NOT NULL AND revenue > 0
    ) AS i ON i.month_index > b.start_index - 12 AND i.month_index <= b.end_index
  ) AS u
  GROUP BY u.period_key, u.account_id
) AS s
LEFT JOIN accounts AS a ON a.account_id = s.account_id
