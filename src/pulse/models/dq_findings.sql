-- Every data-quality finding at the as-of date, one row per finding (kind, record_type, record_id,
-- message). Kinds: duplicate_account (see dq_duplicate_accounts), unnamed_account, and on
-- opportunities open at the as-of date: missing_stage, past_close_date (close_date before the
-- as-of date) and stale_deal (no change for more than 90 days).
-- A name or stage is missing when NULL or only spaces (LTRIM leaves nothing: one scan from the
-- left, where TRIM would also scan back from the right).
SELECT
  d.period_key,
  'duplicate_account' AS kind,
  'account' AS record_type,
  d.account_id AS record_id,
  CONCAT('name ''', d.name, ''' matches account ', d.duplicate_of) AS message
FROM periods AS p
JOIN dq_duplicate_accounts AS d ON d.period_key = p.period_key
UNION ALL
SELECT
  p.period_key,
  'unnamed_account' AS kind,
  'account' AS record_type,
  a.account_id AS record_id,
  'account has no name' AS message
FROM periods AS p
JOIN accounts AS a ON a.created_at IS NULL OR a.created_at <= p.as_of
WHERE a.name IS NULL OR LTRIM(a.name) = ''
UNION ALL
SELECT
  o.period_key,
  'missing_stage' AS kind,
  'opportunity' AS record_type,
  o.opportunity_id AS record_id,
  'open opportunity has no stage' AS message
FROM periods AS p
JOIN dq_open_opportunities AS o ON o.period_key = p.period_key
WHERE o.stage IS NULL OR LTRIM(o.stage) = ''
UNION ALL
SELECT
  o.period_key,
  'past_close_date' AS kind,
  'opportunity' AS record_type,
  o.opportunity_id AS record_id,
  CONCAT(
    'open opportunity has close date ', CAST(o.close_date AS VARCHAR), ', before ',
    CAST(o.as_of AS VARCHAR)
  ) AS message
FROM periods AS p
JOIN dq_open_opportunities AS o ON o.period_key = p.period_key
WHERE o.close_date < o.as_of
UNION ALL
SELECT
  o.period_key,
  'stale_deal' AS kind,
  'opportunity' AS record_type,
  o.opportunity_id AS record_id,
  CONCAT(
    'no change since ', CAST(o.last_changed_on AS VARCHAR), ' (',
    CAST(DATE_DIFF('day', o.last_changed_on, o.as_of) AS VARCHAR), ' days)'
  ) AS message
FROM periods AS p
JOIN dq_open_opportunities AS o ON o.period_key = p.period_key
WHERE DATE_DIFF('day', o.last_changed_on, o.as_of) > 90
