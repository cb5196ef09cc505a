-- Each account's health signals over the period (observations from its first day to the as-of
-- date): mean usage, support tickets opened (summed) and mean NPS answer.
SELECT
  p.period_key,
  h.account_id,
  AVG(h.usage) AS usage,
  SUM(h.support_tickets) AS support_tickets,
  AVG(h.nps) AS nps,
  COUNT(*) AS observations
FROM periods AS p
JOIN health_signals AS h ON h.observed_at BETWEEN p.period_start AND LEAST(p.period_end, p.as_of)
GROUP BY p.period_key, h.account_id
