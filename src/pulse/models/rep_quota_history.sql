-- The first month of the rep quota history (one row; NULL without rep quotas). A rep hired
-- before it cannot have a ramp measured: the early months are not in the data.
SELECT CAST(DATE_TRUNC('month', MIN(period_start)) AS DATE) AS first_quota_month
FROM quotas
WHERE rep_id IS NOT NULL
