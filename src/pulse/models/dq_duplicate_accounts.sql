-- Accounts existing at the as-of date that look like a duplicate of another with a lower
-- account_id: the same name key, or keys at most 2 edits apart (Levenshtein) when both have 8 or
-- more characters. Keys are compared within the same first three characters. One row per
-- duplicate, naming the lowest matching account_id.
SELECT
  p.period_key,
  b.account_id,
  b.name,
  MIN(a.account_id) AS duplicate_of
FROM periods AS p
JOIN account_name_keys AS b ON b.created_at IS NULL OR b.created_at <= p.as_of
JOIN account_name_keys AS a
  ON (a.created_at IS NULL OR a.created_at <= p.as_of)
  AND a.account_id < b.account_id
  AND LEFT(a.name_key, 3) = LEFT(b.name_key, 3)
  AND (
    a.name_key = b.name_key
    OR (
      LEAST(LENGTH(a.name_key), LENGTH(b.name_key)) >= 8
      AND LEVENSHTEIN(a.name_key, b.name_key) <= 2
    )
  )
GROUP BY p.period_key, b.account_id, b.name
