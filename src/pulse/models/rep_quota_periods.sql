-- Each rep's quota for each period: the rep's quota rows overlapping the period, prorated by days
-- of overlap (quota_periods) and summed. The company quota row (no rep_id) is left out.
SELECT
  period_key,
  owner_id,
  SUM(amount) AS quota
FROM quota_periods
WHERE is_company = 0
GROUP BY period_key, owner_id
