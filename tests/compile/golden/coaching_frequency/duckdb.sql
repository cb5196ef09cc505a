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
), calendar_period_months AS (
  SELECT
    p.period_key,
    SUM(
      CAST(DATE_DIFF(
        'DAY',
        GREATEST(p.period_start, CAST(m.month_start AS DATE)),
        LEAST(p.period_end, LAST_DAY(CAST(m.month_start AS DATE)))
      ) + 1 AS DOUBLE) / DAY(LAST_DAY(CAST(m.month_start AS DATE)))
    ) AS months
  FROM periods AS p
  CROSS JOIN UNNEST(GENERATE_SERIES(CAST(DATE_TRUNC('MONTH', p.period_start) AS DATE), p.period_end, INTERVAL '1' MONTH)) AS m(month_start)
  GROUP BY
    p.period_key
), rep_roster AS (
  SELECT
    p.period_key,
    r.rep_id AS owner_id,
    r.name AS rep_name,
    r.team,
    r.territory,
    r.hired_at,
    r.left_at,
    1 AS is_employed,
    CASE
      WHEN r.hired_at IS NULL OR r.hired_at + INTERVAL '3' MONTH <= p.period_start
      THEN 1
      ELSE 0
    END AS is_ramped
  FROM periods AS p
  JOIN reps AS r
    ON (
      r.hired_at IS NULL OR r.hired_at <= p.period_end
    )
    AND (
      r.left_at IS NULL OR r.left_at >= p.period_start
    )
), coaching_activity AS (
  SELECT
    r.period_key,
    r.owner_id,
    r.team,
    r.territory,
    1 AS is_rep,
    l.months AS rep_months,
    0 AS sessions,
    0 AS ride_alongs,
    0 AS deal_reviews
  FROM rep_roster AS r
  JOIN calendar_period_months AS l
    ON l.period_key = r.period_key
  UNION ALL
  SELECT
    p.period_key,
    c.rep_id AS owner_id,
    r.team,
    r.territory,
    0 AS is_rep,
    CAST(0 AS DOUBLE) AS rep_months,
    1 AS sessions,
    CASE WHEN c.kind = 'ride_along' THEN 1 ELSE 0 END AS ride_alongs,
    CASE WHEN c.kind = 'deal_review' THEN 1 ELSE 0 END AS deal_reviews
  FROM periods AS p
  JOIN coaching AS c
    ON c.held_at BETWEEN p.period_start AND p.period_end
  LEFT JOIN reps AS r
    ON r.rep_id = c.rep_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.sessions) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.rep_months) AS DOUBLE), 0) AS value,
    SUM(m.sessions) AS numerator,
    SUM(m.rep_months) AS denominator,
    SUM(m.sessions) AS c_sessions,
    SUM(m.ride_alongs) AS c_ride_alongs,
    SUM(m.deal_reviews) AS c_deal_reviews,
    SUM(m.is_rep) AS c_reps,
    SUM(m.rep_months) AS c_rep_months
  FROM periods AS p
  LEFT JOIN coaching_activity AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
