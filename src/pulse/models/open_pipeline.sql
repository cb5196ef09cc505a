-- Opportunities open as of each period's as-of date (created on or before it, not closed
-- before it), with the stage probability in force and whether the close date falls in the
-- period. Without stage history the current stage and amount stand for the past.
SELECT
  p.period_key,
  f.opportunity_id,
  f.account_id,
  f.owner_id,
  f.type,
  f.product_line,
  f.region,
  f.segment,
  f.source,
  f.motion,
  f.deal_size_band,
  f.stage,
  f.amount,
  f.close_date,
  COALESCE(sm.probability, 0) AS probability,
  f.amount * COALESCE(sm.probability, 0) AS weighted_amount,
  CASE WHEN f.close_date BETWEEN p.period_start AND p.period_end THEN 1 ELSE 0 END AS due_in_period
FROM periods AS p
JOIN opportunity_facts AS f
  ON f.created_at <= p.as_of AND (f.closed_on IS NULL OR f.closed_on >= p.as_of)
LEFT JOIN stage_map AS sm ON sm.stage = f.stage_key
