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
), subscription_lines AS (
  SELECT
    b.line_id,
    b.account_id,
    b.product,
    b.stream,
    b.currency,
    b.start_date,
    b.end_date,
    b.amount,
    b.billing_period,
    b.first_index,
    b.end_index,
    CASE
      WHEN b.period_word IN ('week', 'weekly')
      THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) * 52 / 12 AS DECIMAL(18, 6))
      WHEN b.period_word IN ('month', 'monthly')
      THEN CAST(b.amount AS DECIMAL(18, 6))
      WHEN b.period_word IN ('quarter', 'quarterly')
      THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / 3 AS DECIMAL(18, 6))
      WHEN b.period_word IN ('half_year', 'half-year', 'semiannual', 'semi_annual', 'semiannually')
      THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / 6 AS DECIMAL(18, 6))
      WHEN b.period_word IN ('year', 'yearly', 'annual', 'annually')
      THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / 12 AS DECIMAL(18, 6))
      WHEN TRY_CAST(b.period_word AS INT) > 0
      THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / TRY_CAST(b.period_word AS INT) AS DECIMAL(18, 6))
    END AS monthly_local
  FROM (
    SELECT
      s.line_id,
      s.account_id,
      COALESCE(s.product, '(none)') AS product,
      COALESCE(s.stream, '(none)') AS stream,
      s.currency,
      s.start_date,
      s.end_date,
      s.amount,
      s.billing_period,
      LOWER(TRIM(s.billing_period)) AS period_word,
      EXTRACT(YEAR FROM s.start_date) * 12 + EXTRACT(MONTH FROM s.start_date) - 1 AS first_index,
      EXTRACT(YEAR FROM s.end_date) * 12 + EXTRACT(MONTH FROM s.end_date) - 1 AS end_index
    FROM subscriptions AS s
    WHERE
      COALESCE(s.is_trial, FALSE) = FALSE
      AND NOT s.account_id IS NULL
      AND NOT s.start_date IS NULL
  ) AS b
), month_ends AS (
  SELECT
    s.month_index,
    LAST_DAY(
      MAKE_DATE(CAST(FLOOR(s.month_index / 12) AS INT), CAST(s.month_index % 12 AS INT) + 1, 1)
    ) AS month_end
  FROM (
    SELECT
      UNNEST(GENERATE_SERIES(b.first_index, b.last_index)) AS month_index
    FROM (
      SELECT
        MIN(l.first_index) AS first_index,
        GREATEST(MAX(l.first_index), MAX(COALESCE(l.end_index, l.first_index)), MAX(t.today_index)) AS last_index
      FROM subscription_lines AS l
      CROSS JOIN (
        SELECT
          EXTRACT(YEAR FROM today) * 12 + EXTRACT(MONTH FROM today) - 1 AS today_index
        FROM pulse_settings
      ) AS t
    ) AS b
    WHERE
      NOT b.first_index IS NULL
  ) AS s
), fx_month_rates AS (
  SELECT
    d.currency,
    d.month_index,
    f.rate_to_reporting AS rate
  FROM (
    SELECT
      f.currency,
      m.month_index,
      MAX(f.date) AS rate_date
    FROM month_ends AS m
    JOIN fx_rates AS f
      ON f.date <= m.month_end
    WHERE
      NOT f.rate_to_reporting IS NULL
    GROUP BY
      f.currency,
      m.month_index
  ) AS d
  JOIN fx_rates AS f
    ON f.currency = d.currency AND f.date = d.rate_date
), revenue_period_bounds AS (
  SELECT
    e.period_key,
    e.period_start,
    e.period_end,
    e.start_index,
    GREATEST(e.end_index, e.start_index) AS end_index,
    GREATEST(12, GREATEST(e.end_index, e.start_index) - e.start_index) AS span_months,
    GREATEST(e.end_index, e.start_index) - 12 AS trailing_start_index
  FROM (
    SELECT
      d.period_key,
      d.period_start,
      d.period_end,
      EXTRACT(YEAR FROM d.period_start) * 12 + EXTRACT(MONTH FROM d.period_start) - 2 AS start_index,
      EXTRACT(YEAR FROM d.end_day) * 12 + EXTRACT(MONTH FROM d.end_day) - 1 - CASE WHEN d.end_day = LAST_DAY(d.end_day) THEN 0 ELSE 1 END AS end_index
    FROM (
      SELECT
        p.period_key,
        p.period_start,
        p.period_end,
        LEAST(p.period_end, COALESCE(p.as_of, p.period_end)) AS end_day
      FROM periods AS p
    ) AS d
  ) AS e
), module_arr AS (
  SELECT
    v.period_key,
    v.account_id,
    v.product,
    v.stream,
    COALESCE(a.segment, '(none)') AS segment,
    COALESCE(a.region, '(none)') AS region,
    COALESCE(a.industry, '(none)') AS industry,
    ROUND(CAST(SUM(v.value) AS DECIMAL(18, 6)), 2) AS mrr,
    ROUND(12 * CAST(SUM(v.value) AS DECIMAL(18, 6)), 2) AS arr
  FROM (
    SELECT
      b.period_key,
      l.account_id,
      l.product,
      l.stream,
      CASE
        WHEN r.rate IS NULL
        THEN l.monthly_local
        ELSE CAST(CAST(l.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6))
      END AS value
    FROM revenue_period_bounds AS b
    JOIN subscription_lines AS l
      ON l.first_index <= b.end_index
      AND (
        l.end_index IS NULL OR l.end_index > b.end_index
      )
    LEFT JOIN fx_month_rates AS r
      ON r.currency = l.currency AND r.month_index = b.end_index
    WHERE
      NOT l.monthly_local IS NULL
  ) AS v
  LEFT JOIN accounts AS a
    ON a.account_id = v.account_id
  GROUP BY
    v.period_key,
    v.account_id,
    v.product,
    v.stream,
    a.segment,
    a.region,
    a.industry
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    SUM(m.arr) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator,
    SUM(m.mrr) AS c_mrr,
    COUNT(DISTINCT m.account_id) AS c_customers
  FROM periods AS p
  LEFT JOIN module_arr AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
