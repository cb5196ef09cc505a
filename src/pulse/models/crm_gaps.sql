-- The open opportunities behind crm_completeness with at least one required field empty, and
-- which fields.
SELECT
  f.period_key,
  f.opportunity_id,
  f.owner_id,
  f.required_fields - (f.has_amount + f.has_close_date + f.has_stage + f.has_owner + f.has_account)
    AS missing_count,
  CONCAT_WS(
    ', ',
    CASE WHEN f.has_amount = 0 THEN 'amount' END,
    CASE WHEN f.has_close_date = 0 THEN 'close_date' END,
    CASE WHEN f.has_stage = 0 THEN 'stage' END,
    CASE WHEN f.has_owner = 0 THEN 'owner_id' END,
    CASE WHEN f.has_account = 0 THEN 'account_id' END
  ) AS missing_fields
FROM periods AS p
JOIN crm_open_fields AS f ON f.period_key = p.period_key
WHERE f.has_amount + f.has_close_date + f.has_stage + f.has_owner + f.has_account < f.required_fields
