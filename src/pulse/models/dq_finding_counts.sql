-- Data-quality findings per record and period, in total and by kind.
SELECT
  period_key,
  record_type,
  record_id,
  COUNT(*) AS findings,
  SUM(CASE WHEN kind = 'duplicate_account' THEN 1 ELSE 0 END) AS duplicate_account,
  SUM(CASE WHEN kind = 'unnamed_account' THEN 1 ELSE 0 END) AS unnamed_account,
  SUM(CASE WHEN kind = 'missing_stage' THEN 1 ELSE 0 END) AS missing_stage,
  SUM(CASE WHEN kind = 'past_close_date' THEN 1 ELSE 0 END) AS past_close_date,
  SUM(CASE WHEN kind = 'stale_deal' THEN 1 ELSE 0 END) AS stale_deal
FROM dq_findings
GROUP BY period_key, record_type, record_id
