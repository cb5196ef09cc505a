-- Each distinct name key of 8 or more characters (shorter keys only ever match themselves) with
-- what duplicate matching compares before the edit distance: its block (the first three
-- characters followed by the digits: the first part is always three characters long, so equal
-- blocks mean equal first characters and equal digits), its length, and which letters (a-z and
-- space) it holds once or more and twice or more, in one number (letters): letter i (a = 0, ...,
-- z = 25, space = 26) sets bit i when it occurs and bit 27 + i when it occurs twice or more. An
-- edit changes those bits by at most two in all, so keys at most 2 edits apart differ in at most
-- 4 bits; pairs differing in more are never compared (dq_similar_keys). A letter's second
-- occurrence is looked for (LIKE '%a%a%') only when it occurs at all (CASE stops at the first
-- match); the sum starts from a BIGINT zero, so no partial sum overflows an INTEGER.
SELECT
  name_key,
  CONCAT(LEFT(name_key, 3), REGEXP_REPLACE(name_key, '[^0-9]+', '', 'g')) AS block,
  LENGTH(name_key) AS key_length,
  CAST(0 AS BIGINT)
    + CASE WHEN INSTR(name_key, 'a') = 0 THEN 0 WHEN name_key LIKE '%a%a%' THEN 134217729 ELSE 1 END
    + CASE WHEN INSTR(name_key, 'b') = 0 THEN 0 WHEN name_key LIKE '%b%b%' THEN 268435458 ELSE 2 END
    + CASE WHEN INSTR(name_key, 'c') = 0 THEN 0 WHEN name_key LIKE '%c%c%' THEN 536870916 ELSE 4 END
    + CASE WHEN INSTR(name_key, 'd') = 0 THEN 0 WHEN name_key LIKE '%d%d%' THEN 1073741832 ELSE 8 END
    + CASE WHEN INSTR(name_key, 'e') = 0 THEN 0 WHEN name_key LIKE '%e%e%' THEN 2147483664 ELSE 16 END
    + CASE WHEN INSTR(name_key, 'f') = 0 THEN 0 WHEN name_key LIKE '%f%f%' THEN 4294967328 ELSE 32 END
    + CASE WHEN INSTR(name_key, 'g') = 0 THEN 0 WHEN name_key LIKE '%g%g%' THEN 8589934656 ELSE 64 END
    + CASE WHEN INSTR(name_key, 'h') = 0 THEN 0 WHEN name_key LIKE '%h%h%' THEN 17179869312 ELSE 128 END
    + CASE WHEN INSTR(name_key, 'i') = 0 THEN 0 WHEN name_key LIKE '%i%i%' THEN 34359738624 ELSE 256 END
    + CASE WHEN INSTR(name_key, 'j') = 0 THEN 0 WHEN name_key LIKE '%j%j%' THEN 68719477248 ELSE 512 END
    + CASE WHEN INSTR(name_key, 'k') = 0 THEN 0 WHEN name_key LIKE '%k%k%' THEN 137438954496 ELSE 1024 END
    + CASE WHEN INSTR(name_key, 'l') = 0 THEN 0 WHEN name_key LIKE '%l%l%' THEN 274877908992 ELSE 2048 END
    + CASE WHEN INSTR(name_key, 'm') = 0 THEN 0 WHEN name_key LIKE '%m%m%' THEN 549755817984 ELSE 4096 END
    + CASE WHEN INSTR(name_key, 'n') = 0 THEN 0 WHEN name_key LIKE '%n%n%' THEN 1099511635968 ELSE 8192 END
    + CASE WHEN INSTR(name_key, 'o') = 0 THEN 0 WHEN name_key LIKE '%o%o%' THEN 2199023271936 ELSE 16384 END
    + CASE WHEN INSTR(name_key, 'p') = 0 THEN 0 WHEN name_key LIKE '%p%p%' THEN 4398046543872 ELSE 32768 END
    + CASE WHEN INSTR(name_key, 'q') = 0 THEN 0 WHEN name_key LIKE '%q%q%' THEN 8796093087744 ELSE 65536 END
    + CASE WHEN INSTR(name_key, 'r') = 0 THEN 0 WHEN name_key LIKE '%r%r%' THEN 17592186175488 ELSE 131072 END
    + CASE WHEN INSTR(name_key, 's') = 0 THEN 0 WHEN name_key LIKE '%s%s%' THEN 35184372350976 ELSE 262144 END
    + CASE WHEN INSTR(name_key, 't') = 0 THEN 0 WHEN name_key LIKE '%t%t%' THEN 70368744701952 ELSE 524288 END
    + CASE WHEN INSTR(name_key, 'u') = 0 THEN 0 WHEN name_key LIKE '%u%u%' THEN 140737489403904 ELSE 1048576 END
    + CASE WHEN INSTR(name_key, 'v') = 0 THEN 0 WHEN name_key LIKE '%v%v%' THEN 281474978807808 ELSE 2097152 END
    + CASE WHEN INSTR(name_key, 'w') = 0 THEN 0 WHEN name_key LIKE '%w%w%' THEN 562949957615616 ELSE 4194304 END
    + CASE WHEN INSTR(name_key, 'x') = 0 THEN 0 WHEN name_key LIKE '%x%x%' THEN 1125899915231232 ELSE 8388608 END
    + CASE WHEN INSTR(name_key, 'y') = 0 THEN 0 WHEN name_key LIKE '%y%y%' THEN 2251799830462464 ELSE 16777216 END
    + CASE WHEN INSTR(name_key, 'z') = 0 THEN 0 WHEN name_key LIKE '%z%z%' THEN 4503599660924928 ELSE 33554432 END
    + CASE WHEN INSTR(name_key, ' ') = 0 THEN 0 WHEN name_key LIKE '% % %' THEN 9007199321849856 ELSE 67108864 END
    AS letters
FROM (SELECT DISTINCT name_key FROM account_name_keys) AS k
WHERE LENGTH(name_key) >= 8
