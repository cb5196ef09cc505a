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
), quota_periods AS (
  SELECT
    p.period_key,
    q.rep_id AS owner_id,
    CASE WHEN q.rep_id IS NULL THEN 1 ELSE 0 END AS is_company,
    CASE WHEN q.rep_id IS NULL THEN 1 ELSE 0 END AS total_only,
    q.amount * (
      DATE_DIFF('DAY', GREATEST(q.period_start, p.period_start), LEAST(q.period_end, p.period_end)) + 1
    ) / (
      DATE_DIFF('DAY', q.period_start, q.period_end) + 1
    ) AS amount
  FROM periods AS p
  JOIN quotas AS q
    ON q.period_start <= p.period_end AND q.period_end >= p.period_start
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CASE
      WHEN SUM(m.is_company) > 0
      THEN SUM(CASE WHEN m.is_company = 1 THEN m.amount END)
      ELSE SUM(m.amount)
    END AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator
  FROM periods AS p
  LEFT JOIN quota_periods AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
