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
), invoice_fx_dates AS (
  SELECT
    i.invoice_id,
    MAX(d.rate_date) AS rate_date
  FROM invoices AS i
  JOIN (
    SELECT
      k.currency,
      k.issued_at,
      MAX(fx.date) AS rate_date
    FROM (
      SELECT DISTINCT
        currency,
        issued_at
      FROM invoices
    ) AS k
    JOIN fx_rates AS fx
      ON fx.currency = k.currency AND fx.date <= k.issued_at
    GROUP BY
      k.currency,
      k.issued_at
  ) AS d
    ON d.currency = i.currency AND d.issued_at = i.issued_at
  GROUP BY
    i.invoice_id
), invoice_facts AS (
  SELECT
    i.invoice_id,
    i.account_id,
    i.opportunity_id,
    i.rep_id AS owner_id,
    COALESCE(i.territory, r.territory) AS territory,
    i.product_line,
    i.stream,
    a.segment,
    a.region,
    CASE WHEN i.is_recurring THEN 1 ELSE 0 END AS is_recurring,
    CASE WHEN i.is_outcome_based THEN 1 ELSE 0 END AS is_outcome_based,
    i.issued_at,
    i.due_at,
    i.paid_at,
    CAST(i.amount AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8)) AS revenue,
    CAST(i.cost AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8)) AS cost,
    CASE
      WHEN NOT i.cost IS NULL
      THEN CAST(i.amount AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8))
    END AS costed_revenue,
    CASE
      WHEN i.cost IS NULL
      THEN CAST(i.amount AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8))
    END AS uncosted_revenue,
    CAST(i.amount - i.cost AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8)) AS gross_profit
  FROM invoices AS i
  LEFT JOIN accounts AS a
    ON a.account_id = i.account_id
  LEFT JOIN reps AS r
    ON r.rep_id = i.rep_id
  LEFT JOIN invoice_fx_dates AS d
    ON d.invoice_id = i.invoice_id
  LEFT JOIN fx_rates AS fx
    ON fx.currency = i.currency AND fx.date = d.rate_date
), client_activity AS (
  SELECT
    s.period_key,
    s.account_id,
    COALESCE(a.segment, '(none)') AS segment,
    COALESCE(a.region, '(none)') AS region,
    COALESCE(a.industry, '(none)') AS industry,
    s.at_start,
    s.at_end,
    CASE WHEN s.at_start = 1 AND s.at_end = 0 THEN 1 ELSE 0 END AS lost
  FROM (
    SELECT
      u.period_key,
      u.account_id,
      MAX(u.at_start) AS at_start,
      MAX(u.at_end) AS at_end
    FROM (
      SELECT
        c.period_key,
        c.account_id,
        CASE WHEN c.role = 'start' THEN 1 ELSE 0 END AS at_start,
        CASE WHEN c.role = 'end' THEN 1 ELSE 0 END AS at_end
      FROM bound_snapshots AS c
      WHERE
        c.role IN ('start', 'end')
      UNION ALL
      SELECT
        b.period_key,
        i.account_id,
        CASE
          WHEN i.month_index > b.start_index - 12 AND i.month_index <= b.start_index
          THEN 1
          ELSE 0
        END AS at_start,
        CASE
          WHEN i.month_index > b.end_index - 12 AND i.month_index <= b.end_index
          THEN 1
          ELSE 0
        END AS at_end
      FROM revenue_period_bounds AS b
      JOIN (
        SELECT
          account_id,
          EXTRACT(YEAR FROM issued_at) * 12 + EXTRACT(MONTH FROM issued_at) - 1 AS month_index
        FROM invoice_facts
        WHERE
          NOT account_id IS NULL AND revenue > 0
      ) AS i
        ON i.month_index > b.start_index - 12 AND i.month_index <= b.end_index
    ) AS u
    GROUP BY
      u.period_key,
      u.account_id
  ) AS s
  LEFT JOIN accounts AS a
    ON a.account_id = s.account_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.lost) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(m.at_start) AS DOUBLE), 0) AS value,
    SUM(m.lost) AS numerator,
    SUM(m.at_start) AS denominator,
    SUM(m.lost) AS c_lost,
    SUM(m.at_start) AS c_clients_at_start
  FROM periods AS p
  LEFT JOIN client_activity AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
