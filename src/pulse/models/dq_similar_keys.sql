-- Pairs of distinct name keys (key_a < key_b) that match for duplicate detection: both have 8 or
-- more characters, they share their first three characters and the same digits (names that
-- differ only in their numbers, "Unit 2" and "Unit 4", are different companies), and are at most
-- 2 edits apart (Levenshtein). The letter counts of dq_name_key_signatures rule out most pairs
-- before the edit distance is computed, and the grouping keeps the engine from computing it on
-- every pair of the join. The first three characters are equal, so the distance is computed on
-- the rest of the keys (a common prefix never changes it).
-- Each key meets only the keys whose length is within 2 of its own (one equality join per
-- length offset), and the letter sets are compared by the bits they differ in: |A ∪ B| − |A ∩ B|
-- is the bit count of A XOR B.
SELECT
  key_a,
  key_b
FROM (
  SELECT
    a.name_key AS key_a,
    b.name_key AS key_b,
    MIN(LEVENSHTEIN(SUBSTRING(a.name_key, 4), SUBSTRING(b.name_key, 4))) AS edits
  FROM (
    SELECT
      s.name_key,
      s.prefix,
      s.digits,
      s.letters_once,
      s.letters_twice,
      s.key_length + d.length_offset AS match_length
    FROM dq_name_key_signatures AS s
    CROSS JOIN (
      SELECT -2 AS length_offset
      UNION ALL SELECT -1 AS length_offset
      UNION ALL SELECT 0 AS length_offset
      UNION ALL SELECT 1 AS length_offset
      UNION ALL SELECT 2 AS length_offset
    ) AS d
  ) AS a
  JOIN dq_name_key_signatures AS b
    ON a.prefix = b.prefix
    AND a.digits = b.digits
    AND a.match_length = b.key_length
    AND a.name_key < b.name_key
    AND BIT_COUNT(XOR(a.letters_once, b.letters_once))
      + BIT_COUNT(XOR(a.letters_twice, b.letters_twice))
      <= 4
  GROUP BY a.name_key, b.name_key
) AS pairs
WHERE edits <= 2
