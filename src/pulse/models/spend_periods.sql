-- Spend per period: every spend row overlapping the period, prorated by the days of overlap
-- (as quota_periods does), with its category (sales, marketing, pipeline_generation) and
-- channel.
SELECT
  p.period_key,
  s.category,
  s.channel,
  s.amount * (DATE_DIFF('day', GREATEST(s.period_start, p.period_start), LEAST(s.period_end, p.period_end)) + 1)
    / (DATE_DIFF('day', s.period_start, s.period_end) + 1) AS amount
FROM periods AS p
JOIN spend AS s ON s.period_start <= p.period_end AND s.period_end >= p.period_start
