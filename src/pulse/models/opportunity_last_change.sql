-- Each opportunity's last recorded change on or before the as-of date (stage_history).
SELECT
  p.period_key,
  h.opportunity_id,
  CAST(MAX(h.changed_at) AS DATE) AS last_changed_on
FROM periods AS p
JOIN stage_history AS h ON CAST(h.changed_at AS DATE) <= p.as_of
GROUP BY p.period_key, h.opportunity_id
