-- Each account's three health signals scored 0-100 against the period's accounts: usage by its
-- percentile rank (100 × the share of accounts using no more), support tickets inverted (100 ×
-- the share of accounts with at least as many tickets), NPS rescaled (0-10 answers × 10,
-- -100..100 scores (x + 100) ÷ 2). A signal the account has no data for stays NULL.
SELECT
  p.period_key,
  s.account_id,
  s.usage,
  s.support_tickets,
  s.nps,
  CASE
    WHEN s.usage IS NOT NULL
      THEN 100 * CUME_DIST() OVER (PARTITION BY s.period_key, s.usage IS NULL ORDER BY s.usage)
  END AS usage_score,
  CASE
    WHEN s.support_tickets IS NOT NULL
      THEN 100 * CUME_DIST() OVER (
        PARTITION BY s.period_key, s.support_tickets IS NULL ORDER BY s.support_tickets DESC
      )
  END AS tickets_score,
  CASE
    WHEN s.nps IS NULL THEN NULL
    WHEN n.nps_0_to_10 = 1 THEN CAST(s.nps AS DOUBLE) * 10
    ELSE (CAST(s.nps AS DOUBLE) + 100) / 2
  END AS nps_score
FROM periods AS p
JOIN health_signal_periods AS s ON s.period_key = p.period_key
CROSS JOIN health_nps_scale AS n
