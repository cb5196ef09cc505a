-- The exchange rate in force for each currency at each month end of the spine: the latest
-- fx_rates row dated on or before the month end. A currency with no rate yet at a month end has
-- no row there: its lines count at face value and subscription_findings reports them.
-- The rate is the DOUBLE stored in fx_rates; a converted value is rounded to 6 decimal places.
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
  JOIN fx_rates AS f ON f.date <= m.month_end
  WHERE f.rate_to_reporting IS NOT NULL
  GROUP BY f.currency, m.month_index
) AS d
JOIN fx_rates AS f ON f.currency = d.currency AND f.date = d.rate_date
