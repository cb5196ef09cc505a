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
        UNNEST(GENERATE_SERIES(l.first_index, COALESCE(l.end_index, e.last_index))) AS month_index
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
        ORDER BY c.month_index
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
      LEAD(l.month_index, 1, 2147483647) OVER (PARTITION BY l.account_id, l.stream ORDER BY l.month_index) AS to_index,
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
), scope_levels AS (
  SELECT
    s.account_id,
    s.stream AS scope,
    s.month_index,
    s.mrr,
    s.arr,
    s.prev_mrr,
    s.prev_arr,
    s.book_mrr,
    s.book_arr
  FROM stream_levels AS s
  UNION ALL
  SELECT
    b.account_id,
    '(all)' AS scope,
    b.month_index,
    CAST(b.mrr AS DECIMAL(18, 2)) AS mrr,
    CAST(b.arr AS DECIMAL(18, 2)) AS arr,
    CAST(b.mrr - b.d_mrr AS DECIMAL(18, 2)) AS prev_mrr,
    CAST(b.arr - b.d_arr AS DECIMAL(18, 2)) AS prev_arr,
    CAST(b.mrr - b.d_mrr + b.db_mrr AS DECIMAL(18, 2)) AS book_mrr,
    CAST(b.arr - b.d_arr + b.db_arr AS DECIMAL(18, 2)) AS book_arr
  FROM (
    SELECT
      s.account_id,
      s.month_index,
      SUM(s.mrr - s.prev_mrr) AS d_mrr,
      SUM(s.arr - s.prev_arr) AS d_arr,
      SUM(s.book_mrr - s.prev_mrr) AS db_mrr,
      SUM(s.book_arr - s.prev_arr) AS db_arr,
      SUM(SUM(s.mrr - s.prev_mrr)) OVER (
        PARTITION BY s.account_id
        ORDER BY s.month_index
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS mrr,
      SUM(SUM(s.arr - s.prev_arr)) OVER (
        PARTITION BY s.account_id
        ORDER BY s.month_index
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS arr
    FROM stream_levels AS s
    JOIN multi_stream_accounts AS a
      ON a.account_id = s.account_id
    GROUP BY
      s.account_id,
      s.month_index
  ) AS b
), scope_movements AS (
  SELECT
    j.account_id,
    j.scope,
    j.month_index,
    m.month_end,
    j.movement,
    j.prev_mrr AS start_mrr,
    j.mrr AS end_mrr,
    j.prev_arr AS start_arr,
    j.arr AS end_arr,
    CASE WHEN j.movement = 'new' THEN j.mrr ELSE 0 END AS new_mrr,
    CASE WHEN j.movement = 'reactivation' THEN j.mrr ELSE 0 END AS reactivation_mrr,
    CASE WHEN j.is_continuing = 1 THEN GREATEST(j.mrr - j.book_mrr, 0) ELSE 0 END AS expansion_mrr,
    CASE WHEN j.is_continuing = 1 THEN GREATEST(j.book_mrr - j.mrr, 0) ELSE 0 END AS contraction_mrr,
    CASE WHEN j.movement = 'churn' THEN j.prev_mrr ELSE 0 END AS churn_mrr,
    CASE WHEN j.is_continuing = 1 THEN j.book_mrr - j.prev_mrr ELSE 0 END AS fx_mrr,
    CASE WHEN j.movement = 'new' THEN j.arr ELSE 0 END AS new_arr,
    CASE WHEN j.movement = 'reactivation' THEN j.arr ELSE 0 END AS reactivation_arr,
    CASE WHEN j.is_continuing = 1 THEN GREATEST(j.arr - j.book_arr, 0) ELSE 0 END AS expansion_arr,
    CASE WHEN j.is_continuing = 1 THEN GREATEST(j.book_arr - j.arr, 0) ELSE 0 END AS contraction_arr,
    CASE WHEN j.movement = 'churn' THEN j.prev_arr ELSE 0 END AS churn_arr,
    CASE WHEN j.is_continuing = 1 THEN j.book_arr - j.prev_arr ELSE 0 END AS fx_arr,
    CASE WHEN j.movement = 'new' THEN 1 ELSE 0 END AS new_count,
    CASE WHEN j.movement = 'reactivation' THEN 1 ELSE 0 END AS reactivation_count,
    CASE WHEN j.movement = 'expansion' THEN 1 ELSE 0 END AS expansion_count,
    CASE WHEN j.movement = 'contraction' THEN 1 ELSE 0 END AS contraction_count,
    CASE WHEN j.movement = 'churn' THEN 1 ELSE 0 END AS churn_count
  FROM (
    SELECT
      w.account_id,
      w.scope,
      w.month_index,
      w.mrr,
      w.arr,
      w.prev_mrr,
      w.prev_arr,
      w.book_mrr,
      w.book_arr,
      CASE WHEN w.prev_arr > 0 AND w.arr > 0 THEN 1 ELSE 0 END AS is_continuing,
      CASE
        WHEN w.prev_arr > 0 AND w.arr > 0 AND w.arr > w.book_arr
        THEN 'expansion'
        WHEN w.prev_arr > 0 AND w.arr > 0 AND w.arr < w.book_arr
        THEN 'contraction'
        WHEN w.prev_arr > 0 AND w.arr > 0
        THEN 'flat'
        WHEN w.prev_arr > 0
        THEN 'churn'
        WHEN w.arr > 0
        AND (
          w.zero_since IS NULL
          OR w.month_index - w.zero_since > s.reactivation_window_months
        )
        THEN 'new'
        WHEN w.arr > 0
        THEN 'reactivation'
        ELSE 'none'
      END AS movement
    FROM (
      SELECT
        l.*,
        MAX(CASE WHEN l.prev_arr > 0 AND l.arr <= 0 THEN l.month_index END) OVER (
          PARTITION BY l.account_id, l.scope
          ORDER BY l.month_index
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS zero_since
      FROM scope_levels AS l
    ) AS w
    CROSS JOIN pulse_settings AS s
  ) AS j
  JOIN month_ends AS m
    ON m.month_index = j.month_index
  WHERE
    j.movement <> 'none'
    AND (
      j.movement <> 'flat'
      OR j.book_arr <> j.prev_arr
      OR j.book_mrr <> j.prev_mrr
      OR j.arr <> j.book_arr
      OR j.mrr <> j.book_mrr
    )
), mrr_movements AS (
  SELECT
    s.account_id,
    s.scope AS stream,
    s.month_index,
    s.month_end,
    s.movement,
    s.start_mrr,
    s.end_mrr,
    s.new_mrr,
    s.reactivation_mrr,
    s.expansion_mrr,
    s.contraction_mrr,
    s.churn_mrr,
    s.fx_mrr,
    s.start_arr,
    s.end_arr,
    s.new_arr,
    s.reactivation_arr,
    s.expansion_arr,
    s.contraction_arr,
    s.churn_arr,
    s.fx_arr,
    s.new_count,
    s.reactivation_count,
    s.expansion_count,
    s.contraction_count,
    s.churn_count
  FROM scope_movements AS s
  WHERE
    s.scope <> '(all)'
  UNION ALL
  SELECT
    t.account_id,
    'cross_stream' AS stream,
    t.month_index,
    m.month_end,
    'cross_stream' AS movement,
    CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
    t.new_mrr,
    t.reactivation_mrr,
    t.expansion_mrr,
    t.contraction_mrr,
    t.churn_mrr,
    t.fx_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS start_arr,
    CAST(0 AS DECIMAL(18, 2)) AS end_arr,
    t.new_arr,
    t.reactivation_arr,
    t.expansion_arr,
    t.contraction_arr,
    t.churn_arr,
    t.fx_arr,
    t.new_count,
    t.reactivation_count,
    t.expansion_count,
    t.contraction_count,
    t.churn_count
  FROM (
    SELECT
      n.account_id,
      n.month_index,
      CAST(SUM(n.sign * n.new_mrr) AS DECIMAL(18, 2)) AS new_mrr,
      CAST(SUM(n.sign * n.reactivation_mrr) AS DECIMAL(18, 2)) AS reactivation_mrr,
      CAST(SUM(n.sign * n.expansion_mrr) AS DECIMAL(18, 2)) AS expansion_mrr,
      CAST(SUM(n.sign * n.contraction_mrr) AS DECIMAL(18, 2)) AS contraction_mrr,
      CAST(SUM(n.sign * n.churn_mrr) AS DECIMAL(18, 2)) AS churn_mrr,
      CAST(SUM(n.sign * n.fx_mrr) AS DECIMAL(18, 2)) AS fx_mrr,
      CAST(SUM(n.sign * n.new_arr) AS DECIMAL(18, 2)) AS new_arr,
      CAST(SUM(n.sign * n.reactivation_arr) AS DECIMAL(18, 2)) AS reactivation_arr,
      CAST(SUM(n.sign * n.expansion_arr) AS DECIMAL(18, 2)) AS expansion_arr,
      CAST(SUM(n.sign * n.contraction_arr) AS DECIMAL(18, 2)) AS contraction_arr,
      CAST(SUM(n.sign * n.churn_arr) AS DECIMAL(18, 2)) AS churn_arr,
      CAST(SUM(n.sign * n.fx_arr) AS DECIMAL(18, 2)) AS fx_arr,
      CAST(SUM(n.sign * n.new_count) AS INT) AS new_count,
      CAST(SUM(n.sign * n.reactivation_count) AS INT) AS reactivation_count,
      CAST(SUM(n.sign * n.expansion_count) AS INT) AS expansion_count,
      CAST(SUM(n.sign * n.contraction_count) AS INT) AS contraction_count,
      CAST(SUM(n.sign * n.churn_count) AS INT) AS churn_count
    FROM (
      SELECT
        1 AS sign,
        s.account_id,
        s.month_index,
        s.new_mrr,
        s.reactivation_mrr,
        s.expansion_mrr,
        s.contraction_mrr,
        s.churn_mrr,
        s.fx_mrr,
        s.new_arr,
        s.reactivation_arr,
        s.expansion_arr,
        s.contraction_arr,
        s.churn_arr,
        s.fx_arr,
        s.new_count,
        s.reactivation_count,
        s.expansion_count,
        s.contraction_count,
        s.churn_count
      FROM scope_movements AS s
      WHERE
        s.scope = '(all)'
      UNION ALL
      SELECT
        -1 AS sign,
        s.account_id,
        s.month_index,
        s.new_mrr,
        s.reactivation_mrr,
        s.expansion_mrr,
        s.contraction_mrr,
        s.churn_mrr,
        s.fx_mrr,
        s.new_arr,
        s.reactivation_arr,
        s.expansion_arr,
        s.contraction_arr,
        s.churn_arr,
        s.fx_arr,
        s.new_count,
        s.reactivation_count,
        s.expansion_count,
        s.contraction_count,
        s.churn_count
      FROM scope_movements AS s
      JOIN multi_stream_accounts AS a
        ON a.account_id = s.account_id
      WHERE
        s.scope <> '(all)'
    ) AS n
    GROUP BY
      n.account_id,
      n.month_index
  ) AS t
  JOIN month_ends AS m
    ON m.month_index = t.month_index
  WHERE
    t.new_mrr <> 0
    OR t.reactivation_mrr <> 0
    OR t.expansion_mrr <> 0
    OR t.contraction_mrr <> 0
    OR t.churn_mrr <> 0
    OR t.fx_mrr <> 0
    OR t.new_arr <> 0
    OR t.reactivation_arr <> 0
    OR t.expansion_arr <> 0
    OR t.contraction_arr <> 0
    OR t.churn_arr <> 0
    OR t.fx_arr <> 0
    OR t.new_count <> 0
    OR t.reactivation_count <> 0
    OR t.expansion_count <> 0
    OR t.contraction_count <> 0
    OR t.churn_count <> 0
), bridge_movement_rows AS (
  SELECT
    b.period_key,
    m.account_id,
    m.stream,
    m.new_mrr,
    m.reactivation_mrr,
    m.expansion_mrr,
    m.contraction_mrr,
    m.churn_mrr,
    m.fx_mrr,
    m.new_arr,
    m.reactivation_arr,
    m.expansion_arr,
    m.contraction_arr,
    m.churn_arr,
    m.fx_arr,
    m.new_count,
    m.reactivation_count,
    m.expansion_count,
    m.contraction_count,
    m.churn_count,
    COALESCE(a.segment, '(none)') AS segment,
    COALESCE(a.region, '(none)') AS region,
    COALESCE(a.industry, '(none)') AS industry
  FROM periods AS p
  JOIN (
    SELECT
      x.period_key,
      UNNEST(GENERATE_SERIES(x.start_index + 1, x.end_index)) AS month_index
    FROM revenue_period_bounds AS x
    WHERE
      x.end_index > x.start_index
  ) AS b
    ON b.period_key = p.period_key
  JOIN mrr_movements AS m
    ON m.month_index = b.month_index
  LEFT JOIN accounts AS a
    ON a.account_id = m.account_id
), bridge_rows AS (
  SELECT
    u.*,
    COALESCE(a.segment, '(none)') AS segment,
    COALESCE(a.region, '(none)') AS region,
    COALESCE(a.industry, '(none)') AS industry
  FROM (
    SELECT
      c.period_key,
      c.account_id,
      c.stream,
      c.mrr AS start_mrr,
      c.arr AS start_arr,
      CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS end_arr,
      CAST(0 AS DECIMAL(18, 2)) AS new_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS reactivation_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS expansion_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS contraction_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS churn_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS fx_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS new_arr,
      CAST(0 AS DECIMAL(18, 2)) AS reactivation_arr,
      CAST(0 AS DECIMAL(18, 2)) AS expansion_arr,
      CAST(0 AS DECIMAL(18, 2)) AS contraction_arr,
      CAST(0 AS DECIMAL(18, 2)) AS churn_arr,
      CAST(0 AS DECIMAL(18, 2)) AS fx_arr,
      0 AS new_count,
      0 AS reactivation_count,
      0 AS expansion_count,
      0 AS contraction_count,
      0 AS churn_count
    FROM bound_snapshots AS c
    WHERE
      c.role = 'start'
    UNION ALL
    SELECT
      c.period_key,
      c.account_id,
      c.stream,
      CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS start_arr,
      c.mrr AS end_mrr,
      c.arr AS end_arr,
      CAST(0 AS DECIMAL(18, 2)) AS new_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS reactivation_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS expansion_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS contraction_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS churn_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS fx_mrr,
      CAST(0 AS DECIMAL(18, 2)) AS new_arr,
      CAST(0 AS DECIMAL(18, 2)) AS reactivation_arr,
      CAST(0 AS DECIMAL(18, 2)) AS expansion_arr,
      CAST(0 AS DECIMAL(18, 2)) AS contraction_arr,
      CAST(0 AS DECIMAL(18, 2)) AS churn_arr,
      CAST(0 AS DECIMAL(18, 2)) AS fx_arr,
      0 AS new_count,
      0 AS reactivation_count,
      0 AS expansion_count,
      0 AS contraction_count,
      0 AS churn_count
    FROM bound_snapshots AS c
    WHERE
      c.role = 'end'
  ) AS u
  LEFT JOIN accounts AS a
    ON a.account_id = u.account_id
  UNION ALL
  SELECT
    r.period_key,
    r.account_id,
    r.stream,
    CAST(0 AS DECIMAL(18, 2)) AS start_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS start_arr,
    CAST(0 AS DECIMAL(18, 2)) AS end_mrr,
    CAST(0 AS DECIMAL(18, 2)) AS end_arr,
    r.new_mrr,
    r.reactivation_mrr,
    r.expansion_mrr,
    r.contraction_mrr,
    r.churn_mrr,
    r.fx_mrr,
    r.new_arr,
    r.reactivation_arr,
    r.expansion_arr,
    r.contraction_arr,
    r.churn_arr,
    r.fx_arr,
    r.new_count,
    r.reactivation_count,
    r.expansion_count,
    r.contraction_count,
    r.churn_count,
    r.segment,
    r.region,
    r.industry
  FROM bridge_movement_rows AS r
), customer_bridge AS (
  SELECT
    r.period_key,
    r.account_id,
    r.stream,
    r.segment,
    r.region,
    r.industry,
    SUM(r.start_mrr) AS start_mrr,
    SUM(r.start_arr) AS start_arr,
    SUM(r.end_mrr) AS end_mrr,
    SUM(r.end_arr) AS end_arr,
    SUM(r.new_mrr) AS new_mrr,
    SUM(r.reactivation_mrr) AS reactivation_mrr,
    SUM(r.expansion_mrr) AS expansion_mrr,
    SUM(r.contraction_mrr) AS contraction_mrr,
    SUM(r.churn_mrr) AS churn_mrr,
    SUM(r.fx_mrr) AS fx_mrr,
    SUM(r.new_arr) AS new_arr,
    SUM(r.reactivation_arr) AS reactivation_arr,
    SUM(r.expansion_arr) AS expansion_arr,
    SUM(r.contraction_arr) AS contraction_arr,
    SUM(r.churn_arr) AS churn_arr,
    SUM(r.fx_arr) AS fx_arr,
    SUM(r.new_count) AS new_count,
    SUM(r.reactivation_count) AS reactivation_count,
    SUM(r.expansion_count) AS expansion_count,
    SUM(r.contraction_count) AS contraction_count,
    SUM(r.churn_count) AS churn_count
  FROM periods AS p
  JOIN bridge_rows AS r
    ON r.period_key = p.period_key
  GROUP BY
    r.period_key,
    r.account_id,
    r.stream,
    r.segment,
    r.region,
    r.industry
), bridge_retention AS (
  SELECT
    c.*,
    MAX(CASE WHEN c.start_arr > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY c.period_key, c.account_id) AS customer_at_start
  FROM customer_bridge AS c
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(
      CASE
        WHEN m.customer_at_start = 1
        THEN m.start_mrr + m.expansion_mrr - m.contraction_mrr - m.churn_mrr
        ELSE 0
      END
    ) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.start_mrr) AS DOUBLE), 0) AS value,
    SUM(
      CASE
        WHEN m.customer_at_start = 1
        THEN m.start_mrr + m.expansion_mrr - m.contraction_mrr - m.churn_mrr
        ELSE 0
      END
    ) AS numerator,
    SUM(m.start_mrr) AS denominator,
    SUM(m.start_mrr) AS c_start,
    SUM(CASE WHEN m.customer_at_start = 1 THEN m.expansion_mrr ELSE 0 END) AS c_expansion,
    SUM(CASE WHEN m.customer_at_start = 1 THEN m.contraction_mrr ELSE 0 END) AS c_contraction,
    SUM(CASE WHEN m.customer_at_start = 1 THEN m.churn_mrr ELSE 0 END) AS c_churn
  FROM periods AS p
  LEFT JOIN bridge_retention AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
