-- One row per invoice (or invoice line) in the reporting currency: revenue, direct cost and
-- gross profit. owner_id is the rep credited (invoices.rep_id); territory falls back to the
-- rep's; segment and region come from the account. Amounts convert at the fx_rates rate in force
-- on the issue date; an invoice without a currency, or in a currency with no rate on or before
-- its issue date, is taken as already in the reporting currency. costed_revenue and gross_profit
-- are set only when the invoice has a cost, so missing costs never inflate a margin.
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
  CASE WHEN i.cost IS NOT NULL THEN CAST(i.amount AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8)) END AS costed_revenue,
  CASE WHEN i.cost IS NULL THEN CAST(i.amount AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8)) END AS uncosted_revenue,
  CAST(i.amount - i.cost AS DECIMAL(38, 4)) * CAST(COALESCE(fx.rate_to_reporting, 1) AS DECIMAL(38, 8)) AS gross_profit
FROM invoices AS i
LEFT JOIN accounts AS a ON a.account_id = i.account_id
LEFT JOIN reps AS r ON r.rep_id = i.rep_id
LEFT JOIN invoice_fx_dates AS d ON d.invoice_id = i.invoice_id
LEFT JOIN fx_rates AS fx ON fx.currency = i.currency AND fx.date = d.rate_date
