-- Revenue per client in each period, ranked: invoiced revenue (invoice_facts, in the reporting
-- currency, recurring or not) issued between the period's first day and its end (or as-of
-- date), summed per account; client_rank 1 is the largest (ties by account id). Invoices
-- without an account count in the total but are never a "client".
SELECT
  r.period_key,
  r.account_id,
  r.revenue,
  ROW_NUMBER() OVER (
    PARTITION BY r.period_key
    ORDER BY CASE WHEN r.account_id IS NULL THEN 1 ELSE 0 END, r.revenue DESC, r.account_id
  ) AS client_rank,
  CASE WHEN r.account_id IS NULL THEN 0 ELSE 1 END AS is_client
FROM (
  SELECT
    p.period_key,
    i.account_id,
    SUM(i.revenue) AS revenue
  FROM periods AS p
  JOIN invoice_facts AS i
    ON i.issued_at >= p.period_start AND i.issued_at <= LEAST(p.period_end, COALESCE(p.as_of, p.period_end))
  GROUP BY p.period_key, i.account_id
) AS r
