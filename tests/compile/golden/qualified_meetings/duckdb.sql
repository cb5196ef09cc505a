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
), meeting_facts AS (
  SELECT
    m.meeting_id,
    m.held_at,
    m.rep_id AS owner_id,
    m.account_id,
    m.source,
    a.segment,
    a.region,
    1 AS is_meeting,
    CASE WHEN m.is_qualified THEN 1 ELSE 0 END AS is_qualified
  FROM meetings AS m
  LEFT JOIN accounts AS a
    ON a.account_id = m.account_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    SUM(m.is_qualified) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator,
    SUM(m.is_meeting) AS c_meetings
  FROM periods AS p
  LEFT JOIN meeting_facts AS m
    ON CAST(DATE_TRUNC('QUARTER', m.held_at) AS DATE) = p.period_start
    AND m.held_at BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
