-- Blended movements per customer and month end: the '(all)' scope for customers in several
-- streams, the one stream's movements for everyone else. This is the customer-level story
-- `pulse revenue movements` prints (new, expansion, contraction, churn, reactivation, fx).
SELECT
  s.*
FROM scope_movements AS s
LEFT JOIN multi_stream_accounts AS a ON a.account_id = s.account_id
WHERE s.scope = '(all)' OR a.account_id IS NULL
