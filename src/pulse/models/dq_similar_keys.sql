-- Pairs of distinct name keys (key_a < key_b) that match for duplicate detection: both have 8 or
-- more characters, they share their first three characters and the same digits (names that
-- differ only in their numbers, "Unit 2" and "Unit 4", are different companies), and are at most
-- 2 edits apart (Levenshtein).
-- Each key meets the keys of its block (first three characters and digits) that are as long or
-- up to 2 characters longer (one equality join per length offset; keys of equal length meet in
-- one order only), so every pair is looked at once. Before the edit distance, the letter sets of
-- dq_name_key_signatures rule out most pairs: keys whose lengths differ by d need d insertions,
-- each changing the sets by at most one bit, and each other edit changes them by at most two, so
-- keys at most 2 edits apart differ in at most 4 - d bits (the bit count of the XOR). The CASE
-- computes the edit distance only on the pairs that pass, on the rest of the keys after the
-- first three characters (a common prefix never changes it).
SELECT
  LEAST(a.name_key, b.name_key) AS key_a,
  GREATEST(a.name_key, b.name_key) AS key_b
FROM (
  SELECT
    s.name_key,
    s.block,
    s.letters,
    d.length_offset,
    s.key_length + d.length_offset AS match_length
  FROM dq_name_key_signatures AS s
  CROSS JOIN (
    SELECT 0 AS length_offset
    UNION ALL SELECT 1 AS length_offset
    UNION ALL SELECT 2 AS length_offset
  ) AS d
) AS a
JOIN dq_name_key_signatures AS b
  ON a.block = b.block
  AND a.match_length = b.key_length
  AND CASE
    WHEN BIT_COUNT(XOR(a.letters, b.letters)) > 4 - a.length_offset THEN 3
    WHEN a.length_offset = 0 AND a.name_key >= b.name_key THEN 3
    ELSE LEVENSHTEIN(SUBSTRING(a.name_key, 4), SUBSTRING(b.name_key, 4))
  END <= 2
