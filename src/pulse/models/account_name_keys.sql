-- Named accounts with a matching key for duplicate detection: the name in lower case, punctuation
-- replaced by spaces, spaces collapsed, and trailing legal suffixes dropped (inc, incorporated,
-- corp, corporation, co, company, ltd, limited, llc, gmbh, ag, sa, plc, bv).
-- Punctuation and spaces are replaced in one pass: every run of them becomes one space. The
-- pattern matches only the runs that change (those holding punctuation, or two or more spaces),
-- not every single space between words, which keeps the regular expression cheap. A name of
-- only spaces has no key (LTRIM leaves nothing).
SELECT
  account_id,
  name,
  created_at,
  TRIM(
    REGEXP_REPLACE(
      REGEXP_REPLACE(
        LOWER(name),
        '[-.,;:!?"''()&/_+@#*][-.,;:!?"''()&/_+@#* ]*| [-.,;:!?"''()&/_+@#* ]+',
        ' ',
        'g'
      ),
      '( (inc|incorporated|corp|corporation|co|company|ltd|limited|llc|gmbh|ag|sa|plc|bv))+ *$',
      '',
      'g'
    )
  ) AS name_key
FROM accounts
WHERE LTRIM(name) <> ''
