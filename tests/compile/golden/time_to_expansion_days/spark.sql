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
), customer_first_products AS (
  SELECT DISTINCT
    s.account_id,
    f.first_paid_on,
    s.product
  FROM subscription_lines AS s
  JOIN (
    SELECT
      account_id,
      MIN(start_date) AS first_paid_on
    FROM subscription_lines
    WHERE
      monthly_local > 0 AND (
        end_index IS NULL OR end_index > first_index
      )
    GROUP BY
      account_id
  ) AS f
    ON f.account_id = s.account_id AND s.start_date = f.first_paid_on
  WHERE
    s.monthly_local > 0 AND (
      s.end_index IS NULL OR s.end_index > s.first_index
    )
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
        ORDER BY s.month_index NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS mrr,
      SUM(SUM(s.arr - s.prev_arr)) OVER (
        PARTITION BY s.account_id
        ORDER BY s.month_index NULLS LAST
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
          ORDER BY l.month_index NULLS LAST
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
), customer_movements AS (
  SELECT
    s.*
  FROM scope_movements AS s
  LEFT JOIN multi_stream_accounts AS a
    ON a.account_id = s.account_id
  WHERE
    s.scope = '(all)' OR a.account_id IS NULL
), expansion_events AS (
  SELECT
    f.account_id,
    COALESCE(a.segment, '(none)') AS segment,
    COALESCE(a.region, '(none)') AS region,
    COALESCE(a.industry, '(none)') AS industry,
    f.first_paid_on,
    LEAST(e.expanded_on, p.second_product_on) AS expanded_on,
    DATEDIFF(DAY, f.first_paid_on, LEAST(e.expanded_on, p.second_product_on)) AS days_to_expansion
  FROM (
    SELECT
      account_id,
      MIN(first_paid_on) AS first_paid_on
    FROM customer_first_products
    GROUP BY
      account_id
  ) AS f
  LEFT JOIN (
    SELECT
      l.account_id,
      MIN(l.start_date) AS expanded_on
    FROM subscription_lines AS l
    JOIN (
      SELECT
        account_id,
        MIN(month_index) AS month_index
      FROM customer_movements
      WHERE
        movement = 'expansion'
      GROUP BY
        account_id
    ) AS x
      ON x.account_id = l.account_id AND l.first_index = x.month_index
    GROUP BY
      l.account_id
  ) AS e
    ON e.account_id = f.account_id
  LEFT JOIN (
    SELECT
      l.account_id,
      MIN(l.start_date) AS second_product_on
    FROM subscription_lines AS l
    LEFT JOIN customer_first_products AS fp
      ON fp.account_id = l.account_id AND fp.product = l.product
    WHERE
      fp.account_id IS NULL
      AND l.monthly_local > 0
      AND (
        l.end_index IS NULL OR l.end_index > l.first_index
      )
    GROUP BY
      l.account_id
  ) AS p
    ON p.account_id = f.account_id
  LEFT JOIN accounts AS a
    ON a.account_id = f.account_id
  WHERE
    NOT LEAST(e.expanded_on, p.second_product_on) IS NULL
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    AVG(m.days_to_expansion) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator,
    COUNT(m.account_id) AS c_customers,
    SUM(m.days_to_expansion) AS c_total_days
  FROM periods AS p
  LEFT JOIN expansion_events AS m
    ON CAST(DATE_TRUNC('QUARTER', m.expanded_on) AS DATE) = p.period_start
    AND m.expanded_on BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
