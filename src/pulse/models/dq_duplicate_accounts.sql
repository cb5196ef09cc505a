-- Accounts existing at the as-of date that look like a duplicate of another with a lower
-- account_id: the same name key, or a matching key (at most 2 edits apart when both have 8 or
-- more characters, with the same first three characters and digits: dq_similar_keys, read in both
-- directions). One row per duplicate, naming the lowest matching account_id existing then.
-- The pairs of accounts whose keys match (the higher id first) are found once, by key, and only
-- those few are checked against each as-of date. The lowest matching id below the account's own
-- is the lowest such id of any matching key, so nothing is grouped over every key and period.
SELECT
  p.period_key,
  x.account_id,
  x.name,
  MIN(x.match_id) AS duplicate_of
FROM periods AS p
JOIN (
  SELECT
    b.account_id,
    b.name,
    b.created_at,
    f.account_id AS match_id,
    f.created_at AS match_created_at
  FROM account_name_keys AS b
  JOIN account_name_keys AS f ON f.name_key = b.name_key AND f.account_id < b.account_id
  UNION ALL
  SELECT
    b.account_id,
    b.name,
    b.created_at,
    f.account_id AS match_id,
    f.created_at AS match_created_at
  FROM (
    SELECT k.key_a AS own_key, k.key_b AS match_key FROM dq_similar_keys AS k
    UNION ALL
    SELECT k.key_b AS own_key, k.key_a AS match_key FROM dq_similar_keys AS k
  ) AS m
  JOIN account_name_keys AS b ON b.name_key = m.own_key
  JOIN account_name_keys AS f ON f.name_key = m.match_key AND f.account_id < b.account_id
) AS x
  ON (x.created_at IS NULL OR x.created_at <= p.as_of)
  AND (x.match_created_at IS NULL OR x.match_created_at <= p.as_of)
GROUP BY p.period_key, x.account_id, x.name
