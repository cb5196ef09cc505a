-- Named accounts with a matching key for duplicate detection: the name in lower case, punctuation
-- replaced by spaces, spaces collapsed, and trailing legal suffixes dropped (inc, incorporated,
-- corp, corporation, co, company, ltd, limited, llc, gmbh, ag, sa, plc, bv).
SELECT
  account_id,
  name,
  created_at,
  TRIM(
    REGEXP_REPLACE(
      REGEXP_REPLACE(
        REGEXP_REPLACE(LOWER(name), '[-.,;:!?"''()&/_+@#*]', ' ', 'g'),
        '[ ]+',
        ' ',
        'g'
      ),
      '( (inc|incorporated|corp|corporation|co|company|ltd|limited|llc|gmbh|ag|sa|plc|bv))+ *$',
      '',
      'g'
    )
  ) AS name_key
FROM accounts
WHERE NULLIF(TRIM(name), '') IS NOT NULL
