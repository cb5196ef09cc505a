-- customer_bridge rows with customer_at_start = 1 when the customer (all streams together) had
-- ARR > 0 at the month end before the period: the base of the bridge-based retention KPIs
-- (nrr_monthly_bridge, grr_monthly_bridge), whose movements count only for that base.
SELECT
  c.*,
  MAX(CASE WHEN c.start_arr > 0 THEN 1 ELSE 0 END) OVER (
    PARTITION BY c.period_key, c.account_id
  ) AS customer_at_start
FROM customer_bridge AS c
