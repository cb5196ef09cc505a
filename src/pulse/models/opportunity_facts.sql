-- One row per opportunity: its outcome flags, the day it closed, the cycle length in days,
-- the deal-size band, and segment/region falling back to the account's.
SELECT
  o.opportunity_id,
  o.account_id,
  o.owner_id,
  o.type,
  o.product_line,
  COALESCE(o.region, a.region) AS region,
  COALESCE(o.segment, a.segment) AS segment,
  o.source,
  o.motion,
  o.amount,
  o.list_amount,
  o.created_at,
  o.first_meeting_at,
  o.close_date,
  o.stage,
  LOWER(TRIM(REPLACE(o.stage, '_', ' '))) AS stage_key,
  o.status,
  o.is_pilot,
  o.pilot_converted,
  o.deployments,
  o.includes_service,
  o.pricing_model,
  CASE WHEN o.status IN ('won', 'lost') THEN COALESCE(o.closed_at, o.close_date) END AS closed_on,
  CASE WHEN o.status = 'won' THEN 1 ELSE 0 END AS is_won,
  CASE WHEN o.status = 'lost' THEN 1 ELSE 0 END AS is_lost,
  CASE WHEN o.status IN ('won', 'lost') THEN 1 ELSE 0 END AS is_closed,
  CASE WHEN o.status = 'won' THEN DATE_DIFF(
    'day',
    CASE WHEN s.cycle_from_first_meeting = 1 AND o.first_meeting_at IS NOT NULL THEN o.first_meeting_at ELSE o.created_at END,
    COALESCE(o.closed_at, o.close_date)
  ) END AS cycle_days,
  CASE
    WHEN o.amount < 10000 THEN '<10k'
    WHEN o.amount < 50000 THEN '10k-50k'
    WHEN o.amount < 250000 THEN '50k-250k'
    ELSE '250k+'
  END AS deal_size_band
FROM opportunities AS o
LEFT JOIN accounts AS a ON a.account_id = o.account_id
CROSS JOIN pulse_settings AS s
