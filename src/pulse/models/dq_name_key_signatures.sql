-- Each distinct name key of 8 or more characters (shorter keys only ever match themselves) with
-- what duplicate matching compares before the edit distance: the first three characters, the
-- digits, the length, and which letters (a-z and space) the key holds once or more
-- (letters_once) and twice or more (letters_twice), one bit per letter. An edit changes those
-- two sets by at most two bits in all, so keys at most 2 edits apart differ in at most 4 bits;
-- pairs differing in more are never compared (dq_similar_keys). A letter's second occurrence is
-- looked for only when it occurs at all (CASE stops at the first match).
SELECT
  name_key,
  LEFT(name_key, 3) AS prefix,
  REGEXP_REPLACE(name_key, '[^0-9]', '', 'g') AS digits,
  LENGTH(name_key) AS key_length,
  (
    CASE WHEN INSTR(name_key, 'a') > 0 THEN 1 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'b') > 0 THEN 2 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'c') > 0 THEN 4 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'd') > 0 THEN 8 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'e') > 0 THEN 16 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'f') > 0 THEN 32 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'g') > 0 THEN 64 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'h') > 0 THEN 128 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'i') > 0 THEN 256 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'j') > 0 THEN 512 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'k') > 0 THEN 1024 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'l') > 0 THEN 2048 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'm') > 0 THEN 4096 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'n') > 0 THEN 8192 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'o') > 0 THEN 16384 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'p') > 0 THEN 32768 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'q') > 0 THEN 65536 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'r') > 0 THEN 131072 ELSE 0 END
    + CASE WHEN INSTR(name_key, 's') > 0 THEN 262144 ELSE 0 END
    + CASE WHEN INSTR(name_key, 't') > 0 THEN 524288 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'u') > 0 THEN 1048576 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'v') > 0 THEN 2097152 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'w') > 0 THEN 4194304 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'x') > 0 THEN 8388608 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'y') > 0 THEN 16777216 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'z') > 0 THEN 33554432 ELSE 0 END
    + CASE WHEN INSTR(name_key, ' ') > 0 THEN 67108864 ELSE 0 END
  ) AS letters_once,
  (
    CASE WHEN INSTR(name_key, 'a') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'a') + 1), 'a') > 0 THEN 1 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'b') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'b') + 1), 'b') > 0 THEN 2 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'c') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'c') + 1), 'c') > 0 THEN 4 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'd') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'd') + 1), 'd') > 0 THEN 8 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'e') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'e') + 1), 'e') > 0 THEN 16 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'f') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'f') + 1), 'f') > 0 THEN 32 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'g') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'g') + 1), 'g') > 0 THEN 64 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'h') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'h') + 1), 'h') > 0 THEN 128 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'i') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'i') + 1), 'i') > 0 THEN 256 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'j') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'j') + 1), 'j') > 0 THEN 512 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'k') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'k') + 1), 'k') > 0 THEN 1024 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'l') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'l') + 1), 'l') > 0 THEN 2048 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'm') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'm') + 1), 'm') > 0 THEN 4096 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'n') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'n') + 1), 'n') > 0 THEN 8192 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'o') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'o') + 1), 'o') > 0 THEN 16384 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'p') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'p') + 1), 'p') > 0 THEN 32768 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'q') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'q') + 1), 'q') > 0 THEN 65536 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'r') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'r') + 1), 'r') > 0 THEN 131072 ELSE 0 END
    + CASE WHEN INSTR(name_key, 's') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 's') + 1), 's') > 0 THEN 262144 ELSE 0 END
    + CASE WHEN INSTR(name_key, 't') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 't') + 1), 't') > 0 THEN 524288 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'u') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'u') + 1), 'u') > 0 THEN 1048576 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'v') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'v') + 1), 'v') > 0 THEN 2097152 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'w') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'w') + 1), 'w') > 0 THEN 4194304 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'x') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'x') + 1), 'x') > 0 THEN 8388608 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'y') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'y') + 1), 'y') > 0 THEN 16777216 ELSE 0 END
    + CASE WHEN INSTR(name_key, 'z') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, 'z') + 1), 'z') > 0 THEN 33554432 ELSE 0 END
    + CASE WHEN INSTR(name_key, ' ') = 0 THEN 0 WHEN INSTR(SUBSTRING(name_key, INSTR(name_key, ' ') + 1), ' ') > 0 THEN 67108864 ELSE 0 END
  ) AS letters_twice
FROM (SELECT DISTINCT name_key FROM account_name_keys) AS k
WHERE LENGTH(name_key) >= 8
