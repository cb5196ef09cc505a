-- The required pipeline fields of every opportunity open at the as-of date (created on or before
-- it, not closed before it): amount, close_date, stage, owner_id and account_id, each 1 when
-- filled (text: not blank), and required_fields = 5.
SELECT
  p.period_key,
  f.opportunity_id,
  f.owner_id,
  f.segment,
  f.region,
  f.product_line,
  f.source,
  f.type,
  CASE WHEN f.amount IS NOT NULL THEN 1 ELSE 0 END AS has_amount,
  CASE WHEN f.close_date IS NOT NULL THEN 1 ELSE 0 END AS has_close_date,
  CASE WHEN NULLIF(TRIM(f.stage), '') IS NOT NULL THEN 1 ELSE 0 END AS has_stage,
  CASE WHEN NULLIF(TRIM(f.owner_id), '') IS NOT NULL THEN 1 ELSE 0 END AS has_owner,
  CASE WHEN NULLIF(TRIM(f.account_id), '') IS NOT NULL THEN 1 ELSE 0 END AS has_account,
  5 AS required_fields
FROM periods AS p
JOIN opportunity_facts AS f
  ON f.created_at <= p.as_of AND (f.closed_on IS NULL OR f.closed_on >= p.as_of)
