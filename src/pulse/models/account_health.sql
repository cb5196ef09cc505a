-- Customer health score per account and period, 0-100: the weighted mean of the account's signal
-- scores (account_health_signals) with the profile's weights (w_usage, w_tickets, w_nps),
-- renormalised over the signals the account has data for. health_threshold is the profile's
-- intervention threshold.
SELECT
  p.period_key,
  h.account_id,
  a.name AS account_name,
  a.segment,
  a.region,
  a.industry,
  h.usage,
  h.support_tickets,
  h.nps,
  h.usage_score,
  h.tickets_score,
  h.nps_score,
  (
    COALESCE(s.w_usage * h.usage_score, 0)
    + COALESCE(s.w_tickets * h.tickets_score, 0)
    + COALESCE(s.w_nps * h.nps_score, 0)
  ) / NULLIF(
    CASE WHEN h.usage_score IS NULL THEN 0 ELSE s.w_usage END
    + CASE WHEN h.tickets_score IS NULL THEN 0 ELSE s.w_tickets END
    + CASE WHEN h.nps_score IS NULL THEN 0 ELSE s.w_nps END,
    0
  ) AS health_score,
  s.health_threshold
FROM periods AS p
JOIN account_health_signals AS h ON h.period_key = p.period_key
LEFT JOIN accounts AS a ON a.account_id = h.account_id
CROSS JOIN pulse_settings AS s
