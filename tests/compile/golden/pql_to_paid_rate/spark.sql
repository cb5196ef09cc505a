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
), signup_facts AS (
  SELECT
    s.account_id,
    s.signed_up_at,
    s.activated_at,
    s.pql_at,
    s.paid_at,
    s.upgraded_at,
    a.segment,
    a.region,
    CASE WHEN NOT s.pql_at IS NULL THEN 1 ELSE 0 END AS is_pql,
    CASE WHEN NOT s.paid_at IS NULL THEN 1 ELSE 0 END AS is_paid,
    DATEDIFF(DAY, s.signed_up_at, s.paid_at) AS activation_days
  FROM signups AS s
  LEFT JOIN accounts AS a
    ON a.account_id = s.account_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.is_paid) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.is_pql) AS DOUBLE), 0) AS value,
    SUM(m.is_paid) AS numerator,
    SUM(m.is_pql) AS denominator,
    SUM(m.is_pql) AS c_pqls,
    SUM(m.is_paid) AS c_paid
  FROM periods AS p
  LEFT JOIN signup_facts AS m
    ON CAST(DATE_TRUNC('QUARTER', m.pql_at) AS DATE) = p.period_start
    AND m.pql_at BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
