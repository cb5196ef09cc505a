-- Opportunities open as of each period's as-of date (created on or before it, not closed before
-- it), with the stage, amount and close date in force then (opportunity_states: from
-- stage_history when the opportunity has any, else its current values), the stage probability
-- and whether the close date falls in the period.
SELECT
  p.period_key,
  s.opportunity_id,
  s.account_id,
  s.owner_id,
  s.type,
  s.product_line,
  s.region,
  s.segment,
  s.source,
  s.motion,
  s.deal_size_band,
  s.stage,
  s.amount,
  s.close_date,
  s.state_source,
  COALESCE(sm.probability, 0) AS probability,
  s.amount * COALESCE(sm.probability, 0) AS weighted_amount,
  CASE WHEN s.close_date BETWEEN p.period_start AND p.period_end THEN 1 ELSE 0 END AS due_in_period
FROM periods AS p
JOIN opportunity_states AS s ON s.period_key = p.period_key AND s.status = 'open'
LEFT JOIN stage_map AS sm ON sm.stage = s.stage_key
