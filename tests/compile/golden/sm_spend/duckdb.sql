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
), previous_periods AS (
  SELECT
    p.period_key,
    CASE
      WHEN EXTRACT(DAY FROM p.period_start) = 1 AND p.period_end = LAST_DAY(p.period_end)
      THEN DATE_DIFF(
        'DAY',
        p.period_start,
        MAKE_DATE(
          CAST(FLOOR(
            (
              YEAR(p.period_start) * 12 + MONTH(p.period_start) - 1 - (
                DATE_DIFF('MONTH', p.period_start, p.period_end) + 1
              )
            ) / 12
          ) AS INT),
          CAST((
            YEAR(p.period_start) * 12 + MONTH(p.period_start) - 1 - (
              DATE_DIFF('MONTH', p.period_start, p.period_end) + 1
            )
          ) % 12 + 1 AS INT),
          1
        )
      )
      ELSE -(
        DATE_DIFF('DAY', p.period_start, p.period_end) + 1
      )
    END AS prev_offset_days
  FROM periods AS p
), sm_spend_periods AS (
  SELECT
    p.period_key,
    s.category,
    s.channel,
    s.amount * GREATEST(
      LEAST(
        DATE_DIFF('DAY', p.period_start, s.period_end) + 1,
        DATE_DIFF('DAY', p.period_start, p.period_end) + 1
      ) - GREATEST(DATE_DIFF('DAY', p.period_start, s.period_start), 0),
      0
    ) / (
      DATE_DIFF('DAY', s.period_start, s.period_end) + 1
    ) AS amount,
    s.amount * GREATEST(
      LEAST(DATE_DIFF('DAY', p.period_start, s.period_end) + 1, 0) - GREATEST(DATE_DIFF('DAY', p.period_start, s.period_start), w.prev_offset_days),
      0
    ) / (
      DATE_DIFF('DAY', s.period_start, s.period_end) + 1
    ) AS previous_amount
  FROM periods AS p
  JOIN previous_periods AS w
    ON w.period_key = p.period_key
  JOIN spend AS s
    ON s.period_start <= p.period_end
    AND DATE_DIFF('DAY', p.period_start, s.period_end) + 1 > w.prev_offset_days
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    SUM(m.amount) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator
  FROM periods AS p
  LEFT JOIN sm_spend_periods AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
