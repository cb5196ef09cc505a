-- Data problems in subscriptions that change or explain recurring revenue, one row per line and
-- problem: kind, severity (error: the line is not counted; warning: counted, check it; info: a
-- convention at work) and a sentence. Trials are checked too. Nothing here stops a computation.
SELECT
  f.kind,
  f.severity,
  f.line_id,
  f.account_id,
  f.detail
FROM (
  SELECT
    'end_before_start' AS kind,
    'error' AS severity,
    s.line_id,
    s.account_id,
    'ends (' || CAST(s.end_date AS VARCHAR) || ') before it starts (' || CAST(s.start_date AS VARCHAR) || '): never active, not counted' AS detail
  FROM subscriptions AS s
  WHERE s.end_date < s.start_date
  UNION ALL
  SELECT
    'same_month',
    'info',
    l.line_id,
    l.account_id,
    'starts (' || CAST(l.start_date AS VARCHAR) || ') and ends (' || CAST(l.end_date AS VARCHAR) || ') inside one month: never active at a month end, so never counted'
  FROM subscription_lines AS l
  WHERE l.end_index = l.first_index AND l.end_date >= l.start_date
  UNION ALL
  SELECT
    'unknown_billing_period',
    'error',
    l.line_id,
    l.account_id,
    'billing period ''' || COALESCE(l.billing_period, '') || ''' is not week, month, quarter, half_year, year or a number of months: not counted'
  FROM subscription_lines AS l
  WHERE l.monthly_local IS NULL AND l.amount IS NOT NULL
  UNION ALL
  SELECT
    'missing_amount',
    'error',
    l.line_id,
    l.account_id,
    'no amount: not counted'
  FROM subscription_lines AS l
  WHERE l.amount IS NULL
  UNION ALL
  SELECT
    'negative_amount',
    'warning',
    l.line_id,
    l.account_id,
    'negative amount (' || CAST(l.amount AS VARCHAR) || '): nets against the customer''s other lines in the stream, never below zero'
  FROM subscription_lines AS l
  WHERE l.amount < 0
  UNION ALL
  SELECT
    'missing_start',
    'error',
    s.line_id,
    s.account_id,
    'no start date or no account: not counted'
  FROM subscriptions AS s
  WHERE (s.start_date IS NULL OR s.account_id IS NULL) AND COALESCE(s.is_trial, FALSE) = FALSE
  UNION ALL
  SELECT
    'paid_trial',
    'info',
    s.line_id,
    s.account_id,
    'a trial with an amount (' || CAST(s.amount AS VARCHAR) || '): trials never count as revenue'
  FROM subscriptions AS s
  WHERE COALESCE(s.is_trial, FALSE) = TRUE AND s.amount > 0
  UNION ALL
  SELECT
    'fx_rate_missing',
    'warning',
    l.line_id,
    l.account_id,
    'currency ' || l.currency || ' has no exchange rate on or before ' || CAST(m.month_end AS VARCHAR) || ': counted at face value'
  FROM subscription_lines AS l
  JOIN (SELECT DISTINCT currency FROM fx_rates) AS c ON c.currency = l.currency
  JOIN month_ends AS m ON m.month_index = l.first_index
  LEFT JOIN fx_month_rates AS r ON r.currency = l.currency AND r.month_index = l.first_index
  WHERE r.rate IS NULL AND l.monthly_local IS NOT NULL
  UNION ALL
  SELECT
    'net_negative_month',
    'warning',
    CAST(NULL AS VARCHAR),
    n.account_id,
    'stream ' || n.stream || ' nets to ' || CAST(n.total AS VARCHAR) || ' at ' || CAST(m.month_end AS VARCHAR) || ': counted as 0 (not paying)'
  FROM (
    SELECT account_id, stream, month_index, CAST(ROUND(SUM(value), 2) AS DECIMAL(38, 2)) AS total
    FROM line_months
    GROUP BY account_id, stream, month_index
    HAVING SUM(value) < 0
  ) AS n
  JOIN month_ends AS m ON m.month_index = n.month_index
) AS f
