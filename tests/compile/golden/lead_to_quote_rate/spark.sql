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
), lead_facts AS (
  SELECT
    l.lead_id,
    l.created_at,
    l.source,
    l.account_id,
    l.is_mql,
    a.segment,
    a.region,
    l.pql_at,
    l.opportunity_id,
    l.converted_at,
    l.quoted_at,
    1 AS is_lead,
    CASE WHEN NOT l.quoted_at IS NULL THEN 1 ELSE 0 END AS is_quoted,
    CASE
      WHEN COALESCE(TRIM(l.opportunity_id), '') <> '' OR NOT l.converted_at IS NULL
      THEN 1
      ELSE 0
    END AS is_converted
  FROM leads AS l
  LEFT JOIN accounts AS a
    ON a.account_id = l.account_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.is_quoted) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.is_lead) AS DOUBLE), 0) AS value,
    SUM(m.is_quoted) AS numerator,
    SUM(m.is_lead) AS denominator,
    SUM(m.is_quoted) AS c_quoted,
    SUM(m.is_lead) AS c_leads
  FROM periods AS p
  LEFT JOIN lead_facts AS m
    ON CAST(DATE_TRUNC('QUARTER', m.created_at) AS DATE) = p.period_start
    AND m.created_at BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
