-- Accepted quotes with what was finally invoiced for them: the signed gap (invoiced − quoted) and
-- its absolute value. A quote is placed on the day it was decided (the day it was sent when
-- decided_at is empty). Only accepted quotes with an invoiced_amount and a quoted amount above
-- zero are compared. Owner and product line come from the quote's opportunity; segment from the
-- opportunity, else the quote's account.
SELECT
  q.quote_id,
  q.opportunity_id,
  q.account_id,
  f.owner_id,
  f.product_line,
  f.deal_size_band,
  COALESCE(f.segment, a.segment) AS segment,
  COALESCE(f.region, a.region) AS region,
  q.quoted_at,
  COALESCE(q.decided_at, q.quoted_at) AS decided_on,
  q.amount AS quoted_amount,
  q.invoiced_amount,
  q.invoiced_amount - q.amount AS gap,
  ABS(q.invoiced_amount - q.amount) AS abs_gap
FROM quotes AS q
LEFT JOIN opportunity_facts AS f ON f.opportunity_id = q.opportunity_id
LEFT JOIN accounts AS a ON a.account_id = q.account_id
WHERE q.status = 'accepted' AND q.invoiced_amount IS NOT NULL AND q.amount > 0
