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
), account_recurring_lines AS (
  SELECT
    p.period_key,
    s.account_id,
    COUNT(*) AS active_lines
  FROM periods AS p
  JOIN subscriptions AS s
    ON s.start_date <= p.as_of AND (
      s.end_date IS NULL OR s.end_date > p.as_of
    )
  WHERE
    COALESCE(s.is_trial, FALSE) = FALSE AND s.amount > 0
  GROUP BY
    p.period_key,
    s.account_id
), device_latest AS (
  SELECT
    p.period_key,
    d.account_id,
    MAX(d.observed_at) AS observed_at
  FROM periods AS p
  JOIN devices AS d
    ON d.observed_at <= p.as_of
  GROUP BY
    p.period_key,
    d.account_id
), device_accounts AS (
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
    CASE WHEN NOT r.account_id IS NULL THEN 1 ELSE 0 END AS is_transacting,
    CASE WHEN d.active_devices > 0 AND r.account_id IS NULL THEN 1 ELSE 0 END AS is_connected_not_transacting
  FROM periods AS p
  JOIN device_latest AS l
    ON l.period_key = p.period_key
  JOIN devices AS d
    ON d.account_id = l.account_id AND d.observed_at = l.observed_at
  LEFT JOIN account_recurring_lines AS r
    ON r.period_key = l.period_key AND r.account_id = l.account_id
  LEFT JOIN accounts AS a
    ON a.account_id = l.account_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    SUM(m.is_connected_not_transacting) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator,
    SUM(m.is_connected) AS c_connected_accounts,
    SUM(m.is_transacting) AS c_transacting_accounts
  FROM periods AS p
  LEFT JOIN device_accounts AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
