-- Name keys that match for duplicate detection: every key matches itself, and two distinct keys
-- match when both have 8 or more characters, share their first three characters and the same
-- digits (names that differ only in their numbers, "Unit 2" and "Unit 4", are different
-- companies), and are at most 2 edits apart (Levenshtein): dq_similar_keys, in both directions.
-- The whole matching relation in one place (tests/compile/test_dq_matching.py checks it against
-- the plain definition); dq_duplicate_accounts reads its two parts directly, equal keys by a join
-- and dq_similar_keys both ways, which spares the DISTINCT over every key.
SELECT DISTINCT
  k.name_key,
  k.name_key AS match_key
FROM account_name_keys AS k
UNION ALL
SELECT
  s.key_a AS name_key,
  s.key_b AS match_key
FROM dq_similar_keys AS s
UNION ALL
SELECT
  s.key_b AS name_key,
  s.key_a AS match_key
FROM dq_similar_keys AS s
