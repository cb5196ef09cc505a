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
), booking_scopes AS (
  SELECT
    'company' AS scope,
    f.closed_on,
    f.amount
  FROM opportunity_facts AS f
  WHERE
    f.is_won = 1
  UNION ALL
  SELECT
    CONCAT('rep:', f.owner_id) AS scope,
    f.closed_on,
    f.amount
  FROM opportunity_facts AS f
  WHERE
    f.is_won = 1 AND NOT f.owner_id IS NULL
  UNION ALL
  SELECT
    CONCAT('team:', r.team) AS scope,
    f.closed_on,
    f.amount
  FROM opportunity_facts AS f
  JOIN reps AS r
    ON r.rep_id = f.owner_id
  WHERE
    f.is_won = 1 AND NOT r.team IS NULL
), forecast_lock_times AS (
  SELECT
    scope,
    period_start,
    period_end,
    MAX(snapshot_at) AS locked_at
  FROM forecasts
  WHERE
    CAST(snapshot_at AS DATE) <= period_start
  GROUP BY
    scope,
    period_start,
    period_end
), forecast_locked AS (
  SELECT
    l.scope,
    CASE
      WHEN l.scope = 'company'
      THEN 'company'
      WHEN l.scope LIKE 'team:%'
      THEN 'team'
      WHEN l.scope LIKE 'rep:%'
      THEN 'rep'
      ELSE 'other'
    END AS scope_level,
    l.period_start,
    l.period_end,
    l.locked_at,
    f.category,
    f.amount AS forecast,
    COALESCE(SUM(b.amount), 0) AS actual
  FROM forecast_lock_times AS l
  JOIN forecasts AS f
    ON f.scope = l.scope
    AND f.period_start = l.period_start
    AND f.snapshot_at = l.locked_at
  LEFT JOIN booking_scopes AS b
    ON b.scope = l.scope AND b.closed_on BETWEEN l.period_start AND l.period_end
  GROUP BY
    l.scope,
    l.period_start,
    l.period_end,
    l.locked_at,
    f.category,
    f.amount
), forecast_company_periods AS (
  SELECT
    c.period_start,
    c.period_end,
    c.forecast,
    c.forecast_from,
    COALESCE(SUM(b.amount), 0) AS actual
  FROM (
    SELECT
      period_start,
      period_end,
      CASE
        WHEN SUM(CASE WHEN scope_level = 'company' THEN 1 ELSE 0 END) > 0
        THEN SUM(CASE WHEN scope_level = 'company' THEN forecast END)
        WHEN SUM(CASE WHEN scope_level = 'team' THEN 1 ELSE 0 END) > 0
        THEN SUM(CASE WHEN scope_level = 'team' THEN forecast END)
        ELSE SUM(CASE WHEN scope_level = 'rep' THEN forecast END)
      END AS forecast,
      CASE
        WHEN SUM(CASE WHEN scope_level = 'company' THEN 1 ELSE 0 END) > 0
        THEN 'company'
        WHEN SUM(CASE WHEN scope_level = 'team' THEN 1 ELSE 0 END) > 0
        THEN 'teams'
        ELSE 'reps'
      END AS forecast_from
    FROM forecast_locked
    WHERE
      scope_level <> 'other'
    GROUP BY
      period_start,
      period_end
  ) AS c
  LEFT JOIN booking_scopes AS b
    ON b.scope = 'company' AND b.closed_on BETWEEN c.period_start AND c.period_end
  GROUP BY
    c.period_start,
    c.period_end,
    c.forecast,
    c.forecast_from
), forecast_scope_periods AS (
  SELECT
    x.period_key,
    x.scope,
    x.scope_level,
    x.forecast_start,
    x.forecast_end,
    x.forecast,
    x.actual,
    x.forecast - x.actual AS error,
    ABS(x.forecast - x.actual) AS abs_error
  FROM (
    SELECT
      y.*,
      MAX(y.grain) OVER (PARTITION BY y.period_key, y.scope) AS top_grain
    FROM (
      SELECT
        p.period_key,
        u.scope,
        u.scope_level,
        u.period_start AS forecast_start,
        u.period_end AS forecast_end,
        u.forecast,
        u.actual,
        CASE
          WHEN DATE_DIFF('DAY', u.period_start, u.period_end) < 7
          THEN 1
          WHEN DATE_DIFF('DAY', u.period_start, u.period_end) < 31
          THEN 2
          WHEN DATE_DIFF('DAY', u.period_start, u.period_end) < 92
          THEN 3
          WHEN DATE_DIFF('DAY', u.period_start, u.period_end) < 184
          THEN 4
          ELSE 5
        END AS grain
      FROM periods AS p
      CROSS JOIN pulse_settings AS s
      JOIN (
        SELECT
          'company' AS scope,
          'company' AS scope_level,
          period_start,
          period_end,
          forecast,
          actual
        FROM forecast_company_periods
        UNION ALL
        SELECT
          scope,
          scope_level,
          period_start,
          period_end,
          forecast,
          actual
        FROM forecast_locked
        WHERE
          scope_level IN ('team', 'rep')
      ) AS u
        ON u.period_end BETWEEN p.period_start AND p.period_end AND u.period_end < s.today
    ) AS y
  ) AS x
  WHERE
    x.grain = x.top_grain
), forecast_accuracy_periods AS (
  SELECT
    p.period_key,
    f.forecast_start,
    f.forecast_end,
    f.forecast,
    f.actual,
    f.error,
    f.abs_error
  FROM periods AS p
  JOIN forecast_scope_periods AS f
    ON f.period_key = p.period_key
  WHERE
    f.scope_level = 'company'
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(GREATEST(SUM(m.actual) - SUM(m.abs_error), 0) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.actual) AS DOUBLE), 0) AS value,
    GREATEST(SUM(m.actual) - SUM(m.abs_error), 0) AS numerator,
    SUM(m.actual) AS denominator,
    SUM(m.forecast) AS c_forecast,
    SUM(m.actual) AS c_actual,
    CAST(SUM(m.forecast) - SUM(m.actual) AS DOUBLE) / NULLIF(CAST(SUM(m.actual) AS DOUBLE), 0) AS c_variance,
    CAST(SUM(m.abs_error) AS DOUBLE) / NULLIF(CAST(SUM(m.actual) AS DOUBLE), 0) AS c_wape,
    CAST(SUM(m.forecast) - SUM(m.actual) AS DOUBLE) / NULLIF(CAST(SUM(m.actual) AS DOUBLE), 0) AS c_bias,
    COUNT(m.forecast_end) AS c_forecast_periods
  FROM periods AS p
  LEFT JOIN forecast_accuracy_periods AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
