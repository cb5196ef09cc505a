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
), rep_booking_months AS (
  SELECT
    owner_id,
    CAST(DATE_TRUNC('MONTH', closed_on) AS DATE) AS month_start,
    SUM(amount) AS bookings
  FROM opportunity_facts
  WHERE
    is_won = 1 AND NOT owner_id IS NULL AND NOT closed_on IS NULL
  GROUP BY
    owner_id,
    CAST(DATE_TRUNC('MONTH', closed_on) AS DATE)
), rep_quota_months AS (
  SELECT
    q.rep_id AS owner_id,
    CAST(m.month_start AS DATE) AS month_start,
    SUM(
      q.amount * (
        DATEDIFF(
          DAY,
          GREATEST(q.period_start, CAST(m.month_start AS DATE)),
          LEAST(q.period_end, LAST_DAY(CAST(m.month_start AS DATE)))
        ) + 1
      ) / (
        DATEDIFF(DAY, q.period_start, q.period_end) + 1
      )
    ) AS quota
  FROM quotas AS q
  LATERAL VIEW
  EXPLODE(
    SEQUENCE(
      CAST(DATE_TRUNC('MONTH', q.period_start) AS DATE),
      CAST(q.period_end AS DATE),
      INTERVAL '1' MONTH
    )
  ) m AS month_start
  WHERE
    NOT q.rep_id IS NULL
  GROUP BY
    q.rep_id,
    CAST(m.month_start AS DATE)
), rep_months AS (
  SELECT
    q.owner_id,
    r.name AS rep_name,
    r.team,
    r.territory,
    r.hired_at,
    q.month_start,
    DATEDIFF(MONTH, CAST(DATE_TRUNC('MONTH', r.hired_at) AS DATE), q.month_start) + 1 AS tenure_month,
    q.quota,
    COALESCE(b.bookings, 0) AS bookings,
    CASE
      WHEN ROUND(CAST(COALESCE(b.bookings, 0) AS DOUBLE) - CAST(q.quota AS DOUBLE), 2) >= 0
      THEN 1
      ELSE 0
    END AS hit_quota
  FROM rep_quota_months AS q
  JOIN reps AS r
    ON r.rep_id = q.owner_id
  LEFT JOIN rep_booking_months AS b
    ON b.owner_id = q.owner_id AND b.month_start = q.month_start
  WHERE
    q.quota > 0
    AND NOT r.hired_at IS NULL
    AND q.month_start >= CAST(DATE_TRUNC('MONTH', r.hired_at) AS DATE)
    AND (
      r.left_at IS NULL OR q.month_start <= r.left_at
    )
), rep_quota_history AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', MIN(period_start)) AS DATE) AS first_quota_month
  FROM quotas
  WHERE
    NOT rep_id IS NULL
), rep_ramp AS (
  SELECT
    m.owner_id,
    m.rep_name,
    m.team,
    m.territory,
    m.hired_at,
    MIN(m.month_start) AS ramp_month,
    MIN(m.tenure_month) AS ramp_months,
    LAST_DAY(MIN(m.month_start)) AS ramped_on
  FROM rep_months AS m
  CROSS JOIN rep_quota_history AS h
  WHERE
    m.hit_quota = 1 AND m.hired_at >= h.first_quota_month
  GROUP BY
    m.owner_id,
    m.rep_name,
    m.team,
    m.territory,
    m.hired_at
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.ramp_months) AS DOUBLE) * 1.0 / NULLIF(CAST(COUNT(m.ramp_months) AS DOUBLE), 0) AS value,
    SUM(m.ramp_months) AS numerator,
    COUNT(m.ramp_months) AS denominator,
    COUNT(m.ramp_months) AS c_reps_ramped,
    MEDIAN(m.ramp_months) AS c_median,
    MIN(m.ramp_months) AS c_fastest,
    MAX(m.ramp_months) AS c_slowest
  FROM periods AS p
  LEFT JOIN rep_ramp AS m
    ON CAST(DATE_TRUNC('QUARTER', m.ramped_on) AS DATE) = p.period_start
    AND m.ramped_on BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
