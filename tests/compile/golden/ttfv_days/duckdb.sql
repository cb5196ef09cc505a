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
), opportunity_facts AS (
  SELECT
    o.opportunity_id,
    o.account_id,
    o.owner_id,
    o.type,
    o.product_line,
    COALESCE(o.region, a.region) AS region,
    COALESCE(o.segment, a.segment) AS segment,
    o.source,
    o.motion,
    o.amount,
    o.list_amount,
    o.created_at,
    o.first_meeting_at,
    o.close_date,
    o.stage,
    LOWER(TRIM(REPLACE(o.stage, '_', ' '))) AS stage_key,
    o.status,
    o.is_pilot,
    o.pilot_converted,
    o.deployments,
    o.includes_service,
    o.pricing_model,
    CASE WHEN o.status IN ('won', 'lost') THEN COALESCE(o.closed_at, o.close_date) END AS closed_on,
    CASE WHEN o.status = 'won' THEN 1 ELSE 0 END AS is_won,
    CASE WHEN o.status = 'lost' THEN 1 ELSE 0 END AS is_lost,
    CASE WHEN o.status IN ('won', 'lost') THEN 1 ELSE 0 END AS is_closed,
    CASE
      WHEN o.status = 'won'
      THEN DATE_DIFF(
        'DAY',
        CASE
          WHEN s.cycle_from_first_meeting = 1 AND NOT o.first_meeting_at IS NULL
          THEN o.first_meeting_at
          ELSE o.created_at
        END,
        COALESCE(o.closed_at, o.close_date)
      )
    END AS cycle_days,
    CASE
      WHEN o.amount < 10000
      THEN '<10k'
      WHEN o.amount < 50000
      THEN '10k-50k'
      WHEN o.amount < 250000
      THEN '50k-250k'
      ELSE '250k+'
    END AS deal_size_band
  FROM opportunities AS o
  LEFT JOIN accounts AS a
    ON a.account_id = o.account_id
  CROSS JOIN pulse_settings AS s
), account_first_contracts AS (
  SELECT
    account_id,
    MIN(closed_on) AS signed_on
  FROM opportunity_facts
  WHERE
    is_won = 1 AND NOT account_id IS NULL
  GROUP BY
    account_id
), account_first_value AS (
  SELECT
    account_id,
    MIN(occurred_at) AS first_value_on
  FROM value_events
  WHERE
    LOWER(TRIM(kind)) = 'first_value'
  GROUP BY
    account_id
), ttfv_facts AS (
  SELECT
    v.account_id,
    a.name AS account_name,
    a.segment,
    a.region,
    a.industry,
    c.signed_on,
    v.first_value_on,
    GREATEST(DATE_DIFF('DAY', c.signed_on, v.first_value_on), 0) AS ttfv_days
  FROM account_first_value AS v
  JOIN account_first_contracts AS c
    ON c.account_id = v.account_id
  LEFT JOIN accounts AS a
    ON a.account_id = v.account_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.ttfv_days) AS DOUBLE) * 1.0 / NULLIF(CAST(COUNT(m.ttfv_days) AS DOUBLE), 0) AS value,
    SUM(m.ttfv_days) AS numerator,
    COUNT(m.ttfv_days) AS denominator,
    COUNT(m.ttfv_days) AS c_accounts,
    MEDIAN(m.ttfv_days) AS c_median,
    SUM(CASE WHEN m.ttfv_days < 60 THEN 1 ELSE 0 END) AS c_under_60_days
  FROM periods AS p
  LEFT JOIN ttfv_facts AS m
    ON CAST(DATE_TRUNC('QUARTER', m.first_value_on) AS DATE) = p.period_start
    AND m.first_value_on BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
