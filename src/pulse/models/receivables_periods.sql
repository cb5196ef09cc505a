-- Per period, every invoice that is receivable at the cutoff, was issued in the period or was paid
-- in it. The cutoff is the as-of date, capped at the period's end. An invoice is receivable when it
-- was issued on or before the cutoff and not paid by then (paid_at empty or after the cutoff).
-- daily_revenue is the invoice's revenue issued between the period's start and the cutoff ÷ the
-- days in that window, so Σ daily_revenue is the average revenue per day. days_to_pay is set for
-- invoices paid between the period's start and the cutoff.
SELECT
  p.period_key,
  f.invoice_id,
  f.account_id,
  f.owner_id,
  f.territory,
  f.segment,
  f.product_line,
  f.stream,
  f.issued_at,
  f.paid_at,
  DATE_DIFF('day', p.period_start, LEAST(p.as_of, p.period_end)) + 1 AS days,
  CASE WHEN f.paid_at IS NULL OR f.paid_at > LEAST(p.as_of, p.period_end) THEN f.revenue ELSE 0 END AS receivable,
  CASE WHEN f.issued_at >= p.period_start THEN f.revenue ELSE 0 END AS period_revenue,
  CAST(CASE WHEN f.issued_at >= p.period_start THEN f.revenue ELSE 0 END AS DOUBLE)
    / (DATE_DIFF('day', p.period_start, LEAST(p.as_of, p.period_end)) + 1) AS daily_revenue,
  CASE WHEN f.paid_at >= p.period_start AND f.paid_at <= LEAST(p.as_of, p.period_end) THEN DATE_DIFF('day', f.issued_at, f.paid_at) END AS days_to_pay
FROM periods AS p
JOIN invoice_facts AS f
  ON f.issued_at <= LEAST(p.as_of, p.period_end)
  AND (f.paid_at IS NULL OR f.paid_at >= p.period_start OR f.issued_at >= p.period_start)
