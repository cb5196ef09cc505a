-- One row per lead (inquiry): its source and MQL flag, whether it received a formal quote
-- (quoted_at filled) and whether it became an opportunity (opportunity_id or converted_at
-- filled). Segment and region come from the lead's account when it is known.
SELECT
  l.lead_id,
  l.created_at,
  l.source,
  l.account_id,
  l.is_mql,
  a.segment,
  a.region,
  l.pql_at,
  l.opportunity_id,
  l.converted_at,
  l.quoted_at,
  1 AS is_lead,
  CASE WHEN l.quoted_at IS NOT NULL THEN 1 ELSE 0 END AS is_quoted,
  CASE
    WHEN COALESCE(TRIM(l.opportunity_id), '') <> '' OR l.converted_at IS NOT NULL THEN 1
    ELSE 0
  END AS is_converted
FROM leads AS l
LEFT JOIN accounts AS a ON a.account_id = l.account_id
