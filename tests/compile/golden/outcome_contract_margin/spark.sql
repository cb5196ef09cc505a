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
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(CASE WHEN m.is_outcome_based = 1 THEN m.gross_profit END) AS DOUBLE) * 1.0 / NULLIF(CAST(SUM(CASE WHEN m.is_outcome_based = 1 THEN m.costed_revenue END) AS DOUBLE), 0) AS value,
    SUM(CASE WHEN m.is_outcome_based = 1 THEN m.gross_profit END) AS numerator,
    SUM(CASE WHEN m.is_outcome_based = 1 THEN m.costed_revenue END) AS denominator,
    SUM(CASE WHEN m.is_outcome_based = 1 THEN 1 ELSE 0 END) AS c_outcome_invoices,
    CAST(SUM(CASE WHEN m.is_outcome_based = 0 THEN m.gross_profit END) AS DOUBLE) / NULLIF(CAST(SUM(CASE WHEN m.is_outcome_based = 0 THEN m.costed_revenue END) AS DOUBLE), 0) AS c_other_contracts_margin
  FROM periods AS p
  LEFT JOIN invoice_facts AS m
    ON CAST(DATE_TRUNC('QUARTER', m.issued_at) AS DATE) = p.period_start
    AND m.issued_at BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
