-- For each invoice in a currency that has exchange rates: the date of the fx_rates row in force
-- on its issue date (the latest rate dated on or before it). invoice_facts converts with it.
SELECT
  i.invoice_id,
  MAX(fx.date) AS rate_date
FROM invoices AS i
JOIN fx_rates AS fx ON fx.currency = i.currency AND fx.date <= i.issued_at
GROUP BY i.invoice_id
