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
), snapshot_months AS (
  SELECT
    b.period_key,
    'start' AS role,
    b.start_index AS month_index
  FROM revenue_period_bounds AS b
  UNION ALL
  SELECT
    b.period_key,
    'end' AS role,
    b.end_index AS month_index
  FROM revenue_period_bounds AS b
  UNION ALL
  SELECT
    b.period_key,
    'then' AS role,
    b.end_index - b.span_months AS month_index
  FROM revenue_period_bounds AS b
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
      EXPLODE(SEQUENCE(b.first_index, b.last_index)) AS month_index
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
), line_changes AS (
  SELECT
    l.account_id,
    l.stream,
    l.first_index AS month_index,
    l.monthly_local AS delta,
    CAST(0 AS DECIMAL(18, 6)) AS reval
  FROM subscription_lines AS l
  LEFT JOIN (
    SELECT DISTINCT
      currency
    FROM fx_rates
  ) AS c
    ON c.currency = l.currency
  WHERE
    NOT l.monthly_local IS NULL
    AND c.currency IS NULL
    AND (
      l.end_index IS NULL OR l.end_index > l.first_index
    )
  UNION ALL
  SELECT
    l.account_id,
    l.stream,
    l.end_index AS month_index,
    -l.monthly_local AS delta,
    CAST(0 AS DECIMAL(18, 6)) AS reval
  FROM subscription_lines AS l
  LEFT JOIN (
    SELECT DISTINCT
      currency
    FROM fx_rates
  ) AS c
    ON c.currency = l.currency
  WHERE
    NOT l.monthly_local IS NULL AND c.currency IS NULL AND l.end_index > l.first_index
  UNION ALL
  SELECT
    v.account_id,
    v.stream,
    v.month_index,
    v.level - v.previous_level AS delta,
    CASE
      WHEN v.month_index > v.first_index
      THEN v.revalued - v.previous_level
      ELSE 0
    END AS reval
  FROM (
    SELECT
      x.account_id,
      x.stream,
      x.first_index,
      x.month_index,
      CASE
        WHEN NOT x.end_index IS NULL AND x.month_index >= x.end_index
        THEN CAST(0 AS DECIMAL(18, 6))
        WHEN r.rate IS NULL
        THEN x.monthly_local
        ELSE CAST(CAST(x.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6))
      END AS level,
      CASE
        WHEN x.month_index = x.first_index
        THEN CAST(0 AS DECIMAL(18, 6))
        WHEN rp.rate IS NULL
        THEN x.monthly_local
        ELSE CAST(CAST(x.monthly_local AS DOUBLE) * rp.rate AS DECIMAL(18, 6))
      END AS previous_level,
      CASE
        WHEN r.rate IS NULL
        THEN x.monthly_local
        ELSE CAST(CAST(x.monthly_local AS DOUBLE) * r.rate AS DECIMAL(18, 6))
      END AS revalued
    FROM (
      SELECT
        l.account_id,
        l.stream,
        l.currency,
        l.monthly_local,
        l.first_index,
        l.end_index,
        EXPLODE(SEQUENCE(l.first_index, COALESCE(l.end_index, e.last_index))) AS month_index
      FROM subscription_lines AS l
      JOIN (
        SELECT DISTINCT
          currency
        FROM fx_rates
      ) AS c
        ON c.currency = l.currency
      CROSS JOIN (
        SELECT
          MAX(month_index) AS last_index
        FROM month_ends
      ) AS e
      WHERE
        NOT l.monthly_local IS NULL
        AND (
          l.end_index IS NULL OR l.end_index > l.first_index
        )
    ) AS x
    LEFT JOIN fx_month_rates AS r
      ON r.currency = x.currency AND r.month_index = x.month_index
    LEFT JOIN fx_month_rates AS rp
      ON rp.currency = x.currency AND rp.month_index = x.month_index - 1
  ) AS v
), stream_levels AS (
  SELECT
    s.account_id,
    s.stream,
    s.month_index,
    ROUND(GREATEST(s.level, 0), 2) AS mrr,
    ROUND(12 * GREATEST(s.level, 0), 2) AS arr,
    ROUND(GREATEST(s.level - s.delta, 0), 2) AS prev_mrr,
    ROUND(12 * GREATEST(s.level - s.delta, 0), 2) AS prev_arr,
    ROUND(GREATEST(s.level - s.delta + s.reval, 0), 2) AS book_mrr,
    ROUND(12 * GREATEST(s.level - s.delta + s.reval, 0), 2) AS book_arr
  FROM (
    SELECT
      c.account_id,
      c.stream,
      c.month_index,
      CAST(SUM(c.delta) AS DECIMAL(18, 6)) AS delta,
      CAST(SUM(c.reval) AS DECIMAL(18, 6)) AS reval,
      CAST(SUM(SUM(c.delta)) OVER (
        PARTITION BY c.account_id, c.stream
        ORDER BY c.month_index NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS DECIMAL(18, 6)) AS level
    FROM line_changes AS c
    GROUP BY
      c.account_id,
      c.stream,
      c.month_index
  ) AS s
), month_end_snapshots AS (
  SELECT
    w.month_index,
    s.account_id,
    s.stream,
    s.mrr,
    s.arr
  FROM (
    SELECT DISTINCT
      m.month_index
    FROM snapshot_months AS m
  ) AS w
  JOIN (
    SELECT
      l.account_id,
      l.stream,
      l.month_index AS from_index,
      LEAD(l.month_index, 1, 2147483647) OVER (PARTITION BY l.account_id, l.stream ORDER BY l.month_index NULLS LAST) AS to_index,
      l.mrr,
      l.arr
    FROM stream_levels AS l
  ) AS s
    ON s.from_index <= w.month_index AND s.to_index > w.month_index
  WHERE
    s.arr > 0
), bound_snapshots AS (
  SELECT
    w.period_key,
    w.role,
    w.month_index,
    s.account_id,
    s.stream,
    s.mrr,
    s.arr
  FROM periods AS p
  JOIN snapshot_months AS w
    ON w.period_key = p.period_key
  JOIN month_end_snapshots AS s
    ON s.month_index = w.month_index
), multi_stream_accounts AS (
  SELECT
    account_id
  FROM subscription_lines
  WHERE
    NOT monthly_local IS NULL
  GROUP BY
    account_id
  HAVING
    COUNT(DISTINCT stream) > 1
), retention_pairs AS (
  SELECT
    b.period_key,
    t.account_id,
    t.stream,
    b.span_months,
    t.arr AS arr_then,
    COALESCE(n.arr, 0) AS arr_now,
    LEAST(COALESCE(n.arr, 0), t.arr) AS arr_retained,
    CASE WHEN n.arr IS NULL THEN 0 ELSE 1 END AS retained_count
  FROM periods AS p
  JOIN revenue_period_bounds AS b
    ON b.period_key = p.period_key
  JOIN month_end_snapshots AS t
    ON t.month_index = b.end_index - b.span_months
  LEFT JOIN (
    SELECT
      s.month_index,
      s.account_id,
      s.stream,
      s.arr
    FROM month_end_snapshots AS s
    JOIN (
      SELECT DISTINCT
        e.end_index
      FROM revenue_period_bounds AS e
    ) AS e
      ON e.end_index = s.month_index
  ) AS n
    ON n.month_index = b.end_index
    AND n.account_id = t.account_id
    AND n.stream = t.stream
), retention_cohort AS (
  SELECT
    r.period_key,
    r.account_id,
    r.stream,
    COALESCE(a.segment, '(none)') AS segment,
    COALESCE(a.region, '(none)') AS region,
    COALESCE(a.industry, '(none)') AS industry,
    r.span_months,
    r.arr_then,
    r.arr_now,
    r.arr_retained,
    r.cohort_count,
    r.retained_count
  FROM (
    SELECT
      p.period_key,
      p.account_id,
      p.stream,
      p.span_months,
      p.arr_then,
      p.arr_now,
      p.arr_retained,
      1 AS cohort_count,
      p.retained_count
    FROM retention_pairs AS p
    UNION ALL
    SELECT
      g.period_key,
      g.account_id,
      'cross_stream' AS stream,
      g.span_months,
      CAST(0 AS DECIMAL(18, 2)) AS arr_then,
      COALESCE(n.arr_now_all, 0) - g.arr_now AS arr_now,
      LEAST(COALESCE(n.arr_now_all, 0), g.arr_then) - g.arr_retained AS arr_retained,
      1 - g.pairs AS cohort_count,
      CASE WHEN n.arr_now_all IS NULL THEN 0 ELSE 1 END - g.retained_count AS retained_count
    FROM (
      SELECT
        p.period_key,
        p.account_id,
        MAX(p.span_months) AS span_months,
        SUM(p.arr_then) AS arr_then,
        SUM(p.arr_now) AS arr_now,
        SUM(p.arr_retained) AS arr_retained,
        COUNT(*) AS pairs,
        SUM(p.retained_count) AS retained_count
      FROM retention_pairs AS p
      JOIN multi_stream_accounts AS m
        ON m.account_id = p.account_id
      GROUP BY
        p.period_key,
        p.account_id
    ) AS g
    LEFT JOIN (
      SELECT
        c.period_key,
        c.account_id,
        SUM(c.arr) AS arr_now_all
      FROM bound_snapshots AS c
      JOIN multi_stream_accounts AS m
        ON m.account_id = c.account_id
      WHERE
        c.role = 'end'
      GROUP BY
        c.period_key,
        c.account_id
    ) AS n
      ON n.period_key = g.period_key AND n.account_id = g.account_id
  ) AS r
  LEFT JOIN accounts AS a
    ON a.account_id = r.account_id
  WHERE
    r.stream <> 'cross_stream'
    OR r.arr_now <> 0
    OR r.arr_retained <> 0
    OR r.cohort_count <> 0
    OR r.retained_count <> 0
), retention_totals AS (
  SELECT
    p.period_key,
    r.stream,
    r.segment,
    r.region,
    r.industry,
    r.span_months,
    r.arr_then,
    r.arr_now,
    r.arr_retained,
    r.cohort_count,
    r.retained_count
  FROM periods AS p
  JOIN (
    SELECT
      c.period_key,
      c.stream,
      c.segment,
      c.region,
      c.industry,
      MAX(c.span_months) AS span_months,
      SUM(c.arr_then) AS arr_then,
      SUM(c.arr_now) AS arr_now,
      SUM(c.arr_retained) AS arr_retained,
      SUM(c.cohort_count) AS cohort_count,
      SUM(c.retained_count) AS retained_count
    FROM retention_cohort AS c
    GROUP BY
      c.period_key,
      c.stream,
      c.segment,
      c.region,
      c.industry
  ) AS r
    ON r.period_key = p.period_key
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.arr_now) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.arr_then) AS DOUBLE), 0) AS value,
    SUM(m.arr_now) AS numerator,
    SUM(m.arr_then) AS denominator,
    SUM(m.arr_then) AS c_arr_then,
    SUM(m.arr_now) AS c_arr_now,
    SUM(m.arr_retained) AS c_arr_retained,
    SUM(m.cohort_count) AS c_cohort_customers,
    SUM(m.retained_count) AS c_retained_customers,
    MAX(m.span_months) AS c_span_months
  FROM periods AS p
  LEFT JOIN retention_totals AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
