-- Won deals with their list price: the discount given (list_amount − amount) and whether there
-- was one. A deal is priced when its list_amount is above zero; only priced deals enter the
-- discount KPIs, and a won deal without a list price is counted as unpriced.
SELECT
  f.opportunity_id,
  f.account_id,
  f.owner_id,
  f.deal_size_band,
  f.segment,
  f.region,
  f.product_line,
  f.type,
  f.source,
  f.closed_on,
  f.amount,
  f.list_amount,
  CASE WHEN f.list_amount > 0 THEN 1 ELSE 0 END AS is_priced,
  CASE WHEN f.list_amount > 0 THEN f.amount END AS priced_amount,
  CASE WHEN f.list_amount > 0 THEN f.list_amount END AS priced_list_amount,
  CASE WHEN f.list_amount > 0 THEN f.list_amount - f.amount END AS discount_amount,
  CASE WHEN f.list_amount > 0 AND f.amount < f.list_amount THEN 1 ELSE 0 END AS is_discounted
FROM opportunity_facts AS f
WHERE f.is_won = 1
