-- Recurring-revenue lines: every non-trial subscription line with its monthly value in its own
-- currency (amount ÷ the months in its billing period, to 6 decimal places: week = 12/52 of a
-- month, month 1, quarter 3, half_year 6, year 12, or a whole number of months such as 36) and
-- the month indexes it is active at (month_index = year × 12 + month − 1). A line counts at a
-- month end d when start_date <= d < end_date, so it is active from first_index up to, not
-- including, end_index (NULL = ongoing); a line that starts and ends inside one month is never
-- active. monthly_local is NULL when the billing period is not understood (see
-- subscription_findings). Empty stream and product read '(none)'.
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
    WHEN b.period_word IN ('week', 'weekly') THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) * 52 / 12 AS DECIMAL(18, 6))
    WHEN b.period_word IN ('month', 'monthly') THEN CAST(b.amount AS DECIMAL(18, 6))
    WHEN b.period_word IN ('quarter', 'quarterly') THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / 3 AS DECIMAL(18, 6))
    WHEN b.period_word IN ('half_year', 'half-year', 'semiannual', 'semi_annual', 'semiannually') THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / 6 AS DECIMAL(18, 6))
    WHEN b.period_word IN ('year', 'yearly', 'annual', 'annually') THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / 12 AS DECIMAL(18, 6))
    WHEN TRY_CAST(b.period_word AS INTEGER) > 0 THEN CAST(CAST(b.amount AS DECIMAL(38, 10)) / TRY_CAST(b.period_word AS INTEGER) AS DECIMAL(18, 6))
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
  WHERE COALESCE(s.is_trial, FALSE) = FALSE AND s.account_id IS NOT NULL AND s.start_date IS NOT NULL
) AS b
