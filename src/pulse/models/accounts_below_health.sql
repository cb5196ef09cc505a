-- The accounts behind customer_health_score that need a customer-success intervention: a health
-- score below the profile's threshold in the period.
SELECT
  h.period_key,
  h.account_id,
  h.account_name,
  h.segment,
  h.region,
  h.health_score,
  h.health_threshold,
  h.usage_score,
  h.tickets_score,
  h.nps_score,
  h.usage,
  h.support_tickets,
  h.nps
FROM periods AS p
JOIN account_health AS h ON h.period_key = p.period_key
WHERE h.health_score < h.health_threshold
