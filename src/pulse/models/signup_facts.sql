-- One row per self-serve sign-up: whether it became a product-qualified lead and paid, and the
-- days from sign-up to first payment. Segment and region come from the account.
SELECT
  s.account_id,
  s.signed_up_at,
  s.activated_at,
  s.pql_at,
  s.paid_at,
  s.upgraded_at,
  a.segment,
  a.region,
  CASE WHEN s.pql_at IS NOT NULL THEN 1 ELSE 0 END AS is_pql,
  CASE WHEN s.paid_at IS NOT NULL THEN 1 ELSE 0 END AS is_paid,
  DATE_DIFF('day', s.signed_up_at, s.paid_at) AS activation_days
FROM signups AS s
LEFT JOIN accounts AS a ON a.account_id = s.account_id
