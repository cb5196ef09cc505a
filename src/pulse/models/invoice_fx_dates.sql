-- For each invoice in a currency that has exchange rates: the date of the fx_rates row in force
-- on its issue date (the latest rate dated on or before it). invoice_facts converts with it.
-- The rate date is looked up once per distinct currency and issue date (few), not per invoice.
SELECT
  i.invoice_id,
  MAX(d.rate_date) AS rate_date
FROM invoices AS i
JOIN (
  SELECT
    k.currency,
    k.issued_at,
    MAX(fx.date) AS rate_date
  FROM (SELECT DISTINCT currency, issued_at FROM invoices) AS k
  JOIN fx_rates AS fx ON fx.currency = k.currency AND fx.date <= k.issued_at
  GROUP BY k.currency, k.issued_at
) AS d ON d.currency = i.currency AND d.issued_at = i.issued_at
GROUP BY i.invoice_id
