-- The lowest account_id holding each name key among accounts existing at each as-of date.
SELECT
  p.period_key,
  k.name_key,
  MIN(k.account_id) AS first_account_id
FROM periods AS p
JOIN account_name_keys AS k ON k.created_at IS NULL OR k.created_at <= p.as_of
GROUP BY p.period_key, k.name_key
