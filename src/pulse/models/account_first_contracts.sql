-- Each account's contract signature: the day its first won deal closed (closed_at, else
-- close_date).
SELECT
  account_id,
  MIN(closed_on) AS signed_on
FROM opportunity_facts
WHERE is_won = 1 AND account_id IS NOT NULL
GROUP BY account_id
