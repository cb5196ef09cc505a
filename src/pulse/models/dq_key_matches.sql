-- Name keys that match for duplicate detection: every key matches itself, and two distinct keys
-- match when both have 8 or more characters, share their first three characters and the same
-- digits (names that differ only in their numbers, "Unit 2" and "Unit 4", are different
-- companies), and are at most 2 edits apart (Levenshtein). Compared once per distinct key.
SELECT DISTINCT
  k.name_key,
  k.name_key AS match_key
FROM account_name_keys AS k
UNION ALL
SELECT
  a.name_key,
  b.name_key AS match_key
FROM (SELECT DISTINCT name_key FROM account_name_keys) AS a
JOIN (SELECT DISTINCT name_key FROM account_name_keys) AS b
  ON LEFT(a.name_key, 3) = LEFT(b.name_key, 3)
  AND REGEXP_REPLACE(a.name_key, '[^0-9]', '', 'g') = REGEXP_REPLACE(b.name_key, '[^0-9]', '', 'g')
  AND a.name_key <> b.name_key
  AND ABS(LENGTH(a.name_key) - LENGTH(b.name_key)) <= 2
  AND LEAST(LENGTH(a.name_key), LENGTH(b.name_key)) >= 8
  AND LEVENSHTEIN(a.name_key, b.name_key) <= 2
