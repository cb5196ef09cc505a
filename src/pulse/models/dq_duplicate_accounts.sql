-- Accounts existing at the as-of date that look like a duplicate of another with a lower
-- account_id: the same name key, or a matching key (dq_key_matches: at most 2 edits apart when
-- both have 8 or more characters, with the same first three characters and digits). One row per
-- duplicate, naming the lowest matching account_id.
SELECT
  p.period_key,
  b.account_id,
  b.name,
  MIN(f.first_account_id) AS duplicate_of
FROM periods AS p
JOIN account_name_keys AS b ON b.created_at IS NULL OR b.created_at <= p.as_of
JOIN dq_key_matches AS m ON m.name_key = b.name_key
JOIN dq_key_first_account AS f
  ON f.period_key = p.period_key
  AND f.name_key = m.match_key
  AND f.first_account_id < b.account_id
GROUP BY p.period_key, b.account_id, b.name
