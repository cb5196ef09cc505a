-- The accounts behind connected_not_transacting: active devices in the latest observation on or
-- before the as-of date and no active recurring line then.
SELECT
  d.period_key,
  d.account_id,
  d.account_name,
  d.segment,
  d.region,
  d.active_devices,
  d.observed_at
FROM periods AS p
JOIN device_accounts AS d ON d.period_key = p.period_key
WHERE d.is_connected_not_transacting = 1
