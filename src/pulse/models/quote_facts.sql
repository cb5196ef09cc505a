-- One row per quote or proposal: whether it was decided (accepted or rejected) and accepted,
-- placed in time by decided_at. Owner, product line, source and type come from the quote's
-- opportunity; segment and region from the opportunity, else the quote's account.
SELECT
  q.quote_id,
  q.opportunity_id,
  q.account_id,
  q.quoted_at,
  q.decided_at,
  q.status,
  q.amount,
  f.owner_id,
  f.product_line,
  f.source,
  f.type,
  COALESCE(f.segment, a.segment) AS segment,
  COALESCE(f.region, a.region) AS region,
  CASE WHEN q.status IN ('accepted', 'rejected') THEN 1 ELSE 0 END AS is_decided,
  CASE WHEN q.status = 'accepted' THEN 1 ELSE 0 END AS is_accepted,
  CASE WHEN q.status = 'rejected' THEN 1 ELSE 0 END AS is_rejected
FROM quotes AS q
LEFT JOIN opportunity_facts AS f ON f.opportunity_id = q.opportunity_id
LEFT JOIN accounts AS a ON a.account_id = q.account_id
