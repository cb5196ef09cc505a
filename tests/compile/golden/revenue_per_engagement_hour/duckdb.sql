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
), kpi_invoiced_revenue AS (
  SELECT
    p.period_key AS period_key,
    SUM(m.revenue) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator,
    COUNT(m.invoice_id) AS c_invoices
  FROM periods AS p
  LEFT JOIN invoice_facts AS m
    ON CAST(DATE_TRUNC('QUARTER', m.issued_at) AS DATE) = p.period_start
    AND m.issued_at BETWEEN p.period_start AND p.period_end
  GROUP BY
    p.period_key
), delivery_periods AS (
  SELECT
    p.period_key,
    d.period_start AS delivery_start,
    d.period_end AS delivery_end,
    DATE_DIFF('DAY', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1 AS covered_days,
    d.labour_cost * (
      DATE_DIFF('DAY', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1
    ) / (
      DATE_DIFF('DAY', d.period_start, d.period_end) + 1
    ) AS labour_cost,
    COALESCE(d.subcontractor_cost, 0) * (
      DATE_DIFF('DAY', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1
    ) / (
      DATE_DIFF('DAY', d.period_start, d.period_end) + 1
    ) AS subcontractor_cost,
    d.engagement_hours * (
      DATE_DIFF('DAY', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1
    ) / (
      DATE_DIFF('DAY', d.period_start, d.period_end) + 1
    ) AS engagement_hours,
    d.billable_heads * (
      DATE_DIFF('DAY', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1
    ) AS head_days,
    CASE
      WHEN NOT d.billable_heads IS NULL
      THEN DATE_DIFF('DAY', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1
    END AS head_covered_days
  FROM periods AS p
  JOIN delivery AS d
    ON d.period_start <= p.period_end AND d.period_end >= p.period_start
), kpi_engagement_hours AS (
  SELECT
    p.period_key AS period_key,
    SUM(m.engagement_hours) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator
  FROM periods AS p
  LEFT JOIN delivery_periods AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
)
SELECT
  *
FROM (
  SELECT
    k.period_key AS period_key,
    CAST(COALESCE(kpi_invoiced_revenue.value, 0) AS DOUBLE) * 1.0 / NULLIF(CAST(kpi_engagement_hours.value AS DOUBLE), 0) AS value,
    COALESCE(kpi_invoiced_revenue.value, 0) AS numerator,
    kpi_engagement_hours.value AS denominator,
    kpi_invoiced_revenue.value AS c_invoiced_revenue,
    kpi_engagement_hours.value AS c_engagement_hours
  FROM periods AS k
  LEFT JOIN kpi_invoiced_revenue
    ON kpi_invoiced_revenue.period_key = k.period_key
  LEFT JOIN kpi_engagement_hours
    ON kpi_engagement_hours.period_key = k.period_key
) AS result
ORDER BY
  period_key
