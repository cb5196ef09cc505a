-- Every account with a device observation on or before the as-of date: the devices active in the
-- latest one, whether the account has recurring revenue then, and is_connected_not_transacting =
-- 1 when devices are active (> 0) but no recurring line is.
SELECT
  p.period_key,
  l.account_id,
  a.name AS account_name,
  a.segment,
  a.region,
  a.industry,
  l.observed_at,
  d.active_devices,
  CASE WHEN d.active_devices > 0 THEN 1 ELSE 0 END AS is_connected,
  CASE WHEN r.account_id IS NOT NULL THEN 1 ELSE 0 END AS is_transacting,
  CASE WHEN d.active_devices > 0 AND r.account_id IS NULL THEN 1 ELSE 0 END AS is_connected_not_transacting
FROM periods AS p
JOIN device_latest AS l ON l.period_key = p.period_key
JOIN devices AS d ON d.account_id = l.account_id AND d.observed_at = l.observed_at
LEFT JOIN account_recurring_lines AS r ON r.period_key = l.period_key AND r.account_id = l.account_id
LEFT JOIN accounts AS a ON a.account_id = l.account_id
