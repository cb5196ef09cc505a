-- Logo churn per period and customer (all streams together): at_start = 1 when the customer had
-- ARR > 0 at the month end before the period; lost = 1 when it also has none at the period's
-- end month end. A customer who joined during the period is not in the base, and one who left
-- and came back inside the period is not lost.
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
    c.period_key,
    c.account_id,
    MAX(c.at_start) AS at_start,
    MAX(c.at_end) AS at_end
  FROM (
    SELECT
      c.period_key,
      c.account_id,
      CASE WHEN c.role = 'start' THEN 1 ELSE 0 END AS at_start,
      CASE WHEN c.role = 'end' THEN 1 ELSE 0 END AS at_end
    FROM bound_snapshots AS c
    WHERE c.role IN ('start', 'end')
  ) AS c
  GROUP BY c.period_key, c.account_id
) AS s
LEFT JOIN accounts AS a ON a.account_id = s.account_id
