-- The records the data-quality score checks at the as-of date, accounts that exist then and
-- opportunities open then, each with its findings (in total and by kind) and is_clean = 1 when it
-- has none.
SELECT
  p.period_key,
  'account' AS record_type,
  a.account_id AS record_id,
  COALESCE(c.findings, 0) AS findings,
  COALESCE(c.duplicate_account, 0) AS duplicate_account,
  COALESCE(c.unnamed_account, 0) AS unnamed_account,
  0 AS missing_stage,
  0 AS past_close_date,
  0 AS stale_deal,
  CASE WHEN c.findings IS NULL THEN 1 ELSE 0 END AS is_clean
FROM periods AS p
JOIN accounts AS a ON a.created_at IS NULL OR a.created_at <= p.as_of
LEFT JOIN dq_finding_counts AS c
  ON c.period_key = p.period_key AND c.record_type = 'account' AND c.record_id = a.account_id
UNION ALL
SELECT
  p.period_key,
  'opportunity' AS record_type,
  o.opportunity_id AS record_id,
  COALESCE(c.findings, 0) AS findings,
  0 AS duplicate_account,
  0 AS unnamed_account,
  COALESCE(c.missing_stage, 0) AS missing_stage,
  COALESCE(c.past_close_date, 0) AS past_close_date,
  COALESCE(c.stale_deal, 0) AS stale_deal,
  CASE WHEN c.findings IS NULL THEN 1 ELSE 0 END AS is_clean
FROM periods AS p
JOIN dq_open_opportunities AS o ON o.period_key = p.period_key
LEFT JOIN dq_finding_counts AS c
  ON c.period_key = p.period_key AND c.record_type = 'opportunity' AND c.record_id = o.opportunity_id
