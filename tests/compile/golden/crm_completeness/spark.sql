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
      THEN DATEDIFF(
        DAY,
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
), crm_open_fields AS (
  SELECT
    p.period_key,
    f.opportunity_id,
    f.owner_id,
    f.segment,
    f.region,
    f.product_line,
    f.source,
    f.type,
    CASE WHEN NOT f.amount IS NULL THEN 1 ELSE 0 END AS has_amount,
    CASE WHEN NOT f.close_date IS NULL THEN 1 ELSE 0 END AS has_close_date,
    CASE WHEN NOT NULLIF(TRIM(f.stage), '') IS NULL THEN 1 ELSE 0 END AS has_stage,
    CASE WHEN NOT NULLIF(TRIM(f.owner_id), '') IS NULL THEN 1 ELSE 0 END AS has_owner,
    CASE WHEN NOT NULLIF(TRIM(f.account_id), '') IS NULL THEN 1 ELSE 0 END AS has_account,
    5 AS required_fields
  FROM periods AS p
  JOIN opportunity_facts AS f
    ON f.created_at <= p.as_of AND (
      f.closed_on IS NULL OR f.closed_on >= p.as_of
    )
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.has_amount + m.has_close_date + m.has_stage + m.has_owner + m.has_account) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.required_fields) AS DOUBLE), 0) AS value,
    SUM(m.has_amount + m.has_close_date + m.has_stage + m.has_owner + m.has_account) AS numerator,
    SUM(m.required_fields) AS denominator,
    COUNT(m.opportunity_id) AS c_open_opportunities,
    SUM(1 - m.has_amount) AS c_missing_amount,
    SUM(1 - m.has_close_date) AS c_missing_close_date,
    SUM(1 - m.has_stage) AS c_missing_stage,
    SUM(1 - m.has_owner) AS c_missing_owner,
    SUM(1 - m.has_account) AS c_missing_account
  FROM periods AS p
  LEFT JOIN crm_open_fields AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
