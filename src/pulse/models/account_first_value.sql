-- Each account's first value event: the earliest value_events row of kind 'first_value' (kind
-- compared case- and space-insensitively).
SELECT
  account_id,
  MIN(occurred_at) AS first_value_on
FROM value_events
WHERE LOWER(TRIM(kind)) = 'first_value'
GROUP BY account_id
