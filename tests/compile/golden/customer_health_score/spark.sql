WITH periods AS (
  SELECT
    '2024-Q2' AS period_key,
    CAST('2024-04-01' AS DATE) AS period_start,
    CAST('2024-06-30' AS DATE) AS period_end,
    CAST('2024-04-01' AS DATE) AS as_of
), stage_map AS (
  SELECT
    'qualification' AS stage,
    CAST(0.1 AS DOUBLE) AS probability,
    1 AS stage_order
  UNION ALL
  SELECT
    'discovery' AS stage,
    CAST(0.2 AS DOUBLE) AS probability,
    2 AS stage_order
  UNION ALL
  SELECT
    'demo' AS stage,
    CAST(0.35 AS DOUBLE) AS probability,
    3 AS stage_order
  UNION ALL
  SELECT
    'proposal' AS stage,
    CAST(0.5 AS DOUBLE) AS probability,
    4 AS stage_order
  UNION ALL
  SELECT
    'negotiation' AS stage,
    CAST(0.75 AS DOUBLE) AS probability,
    5 AS stage_order
  UNION ALL
  SELECT
    'verbal commitment' AS stage,
    CAST(0.9 AS DOUBLE) AS probability,
    6 AS stage_order
), pulse_settings AS (
  SELECT
    CAST('2024-07-01' AS DATE) AS today,
    0 AS cycle_from_first_meeting,
    CAST(NULL AS INT) AS reactivation_window_months,
    CAST(50.0 AS DOUBLE) AS health_threshold,
    CAST(0.5 AS DOUBLE) AS w_usage,
    CAST(0.25 AS DOUBLE) AS w_tickets,
    CAST(0.25 AS DOUBLE) AS w_nps
), health_nps_scale AS (
  SELECT
    CASE WHEN MIN(nps) >= 0 AND MAX(nps) <= 10 THEN 1 ELSE 0 END AS nps_0_to_10
  FROM health_signals
), health_signal_periods AS (
  SELECT
    p.period_key,
    h.account_id,
    AVG(h.usage) AS usage,
    SUM(h.support_tickets) AS support_tickets,
    AVG(h.nps) AS nps,
    COUNT(*) AS observations
  FROM periods AS p
  JOIN health_signals AS h
    ON h.observed_at BETWEEN p.period_start AND LEAST(p.period_end, p.as_of)
  GROUP BY
    p.period_key,
    h.account_id
), account_health_signals AS (
  SELECT
    p.period_key,
    s.account_id,
    s.usage,
    s.support_tickets,
    s.nps,
    CASE
      WHEN NOT s.usage IS NULL
      THEN 100 * CUME_DIST() OVER (PARTITION BY s.period_key, s.usage IS NULL ORDER BY s.usage NULLS LAST)
    END AS usage_score,
    CASE
      WHEN NOT s.support_tickets IS NULL
      THEN 100 * CUME_DIST() OVER (
        PARTITION BY s.period_key, s.support_tickets IS NULL
        ORDER BY s.support_tickets DESC
      )
    END AS tickets_score,
    CASE
      WHEN s.nps IS NULL
      THEN NULL
      WHEN n.nps_0_to_10 = 1
      THEN CAST(s.nps AS DOUBLE) * 10
      ELSE (
        CAST(s.nps AS DOUBLE) + 100
      ) / 2
    END AS nps_score
  FROM periods AS p
  JOIN health_signal_periods AS s
    ON s.period_key = p.period_key
  CROSS JOIN health_nps_scale AS n
), account_health AS (
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
      COALESCE(s.w_usage * h.usage_score, 0) + COALESCE(s.w_tickets * h.tickets_score, 0) + COALESCE(s.w_nps * h.nps_score, 0)
    ) / NULLIF(
      CASE WHEN h.usage_score IS NULL THEN 0 ELSE s.w_usage END + CASE WHEN h.tickets_score IS NULL THEN 0 ELSE s.w_tickets END + CASE WHEN h.nps_score IS NULL THEN 0 ELSE s.w_nps END,
      0
    ) AS health_score,
    s.health_threshold
  FROM periods AS p
  JOIN account_health_signals AS h
    ON h.period_key = p.period_key
  LEFT JOIN accounts AS a
    ON a.account_id = h.account_id
  CROSS JOIN pulse_settings AS s
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.health_score) AS DOUBLE) * 1.0 / NULLIF(CAST(COUNT(m.health_score) AS DOUBLE), 0) AS value,
    SUM(m.health_score) AS numerator,
    COUNT(m.health_score) AS denominator,
    COUNT(m.health_score) AS c_accounts,
    SUM(CASE WHEN m.health_score < m.health_threshold THEN 1 ELSE 0 END) AS c_accounts_below_threshold,
    MAX(m.health_threshold) AS c_threshold
  FROM periods AS p
  LEFT JOIN account_health AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
