-- Services delivery per period: every delivery row overlapping the period, its labour cost,
-- subcontractor cost and engagement hours prorated by the days of overlap (first and last day
-- included). Billable heads are weighted by those days (head_days), so Σ head_days ÷ Σ
-- covered_days is the average number of billable heads over the days the rows cover. An empty
-- subcontractor_cost counts as none.
SELECT
  p.period_key,
  d.period_start AS delivery_start,
  d.period_end AS delivery_end,
  DATE_DIFF('day', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1 AS covered_days,
  d.labour_cost * (DATE_DIFF('day', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1)
    / (DATE_DIFF('day', d.period_start, d.period_end) + 1) AS labour_cost,
  COALESCE(d.subcontractor_cost, 0) * (DATE_DIFF('day', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1)
    / (DATE_DIFF('day', d.period_start, d.period_end) + 1) AS subcontractor_cost,
  d.engagement_hours * (DATE_DIFF('day', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1)
    / (DATE_DIFF('day', d.period_start, d.period_end) + 1) AS engagement_hours,
  d.billable_heads * (DATE_DIFF('day', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1) AS head_days,
  CASE WHEN d.billable_heads IS NOT NULL THEN DATE_DIFF('day', GREATEST(d.period_start, p.period_start), LEAST(d.period_end, p.period_end)) + 1 END AS head_covered_days
FROM periods AS p
JOIN delivery AS d ON d.period_start <= p.period_end AND d.period_end >= p.period_start
