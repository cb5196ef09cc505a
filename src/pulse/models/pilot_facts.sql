-- Pilots decided (won or lost, placed on closed_on) and whether each became a production
-- deployment: pilot_converted decides; when it is empty, a won pilot counts as converted and a
-- lost one as not.
SELECT
  f.opportunity_id,
  f.account_id,
  f.owner_id,
  f.segment,
  f.region,
  f.product_line,
  f.source,
  f.status,
  f.closed_on,
  f.amount,
  f.pilot_converted,
  1 AS is_decided,
  CASE WHEN COALESCE(f.pilot_converted, f.status = 'won') THEN 1 ELSE 0 END AS is_converted
FROM opportunity_facts AS f
WHERE f.is_pilot = TRUE AND f.is_closed = 1
