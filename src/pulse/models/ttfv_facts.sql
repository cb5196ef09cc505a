-- Time to first value per account: days from the contract signature (the first won deal's close)
-- to the first 'first_value' event. A first value reached before signature counts as 0 days.
-- Accounts without a won deal have no signature and are left out.
SELECT
  v.account_id,
  a.name AS account_name,
  a.segment,
  a.region,
  a.industry,
  c.signed_on,
  v.first_value_on,
  GREATEST(DATE_DIFF('day', c.signed_on, v.first_value_on), 0) AS ttfv_days
FROM account_first_value AS v
JOIN account_first_contracts AS c ON c.account_id = v.account_id
LEFT JOIN accounts AS a ON a.account_id = v.account_id
