-- Sales and marketing spend per period and in the window of the same length just before it
-- (previous_periods), each spend row prorated by its days of overlap with the window (first and
-- last day included). Days are counted as offsets from the period's first day, so the row spans
-- [row_from, row_to) and the period [0, period_days).
SELECT
  p.period_key,
  s.category,
  s.channel,
  s.amount * GREATEST(
    LEAST(DATE_DIFF('day', p.period_start, s.period_end) + 1, DATE_DIFF('day', p.period_start, p.period_end) + 1)
      - GREATEST(DATE_DIFF('day', p.period_start, s.period_start), 0),
    0
  ) / (DATE_DIFF('day', s.period_start, s.period_end) + 1) AS amount,
  s.amount * GREATEST(
    LEAST(DATE_DIFF('day', p.period_start, s.period_end) + 1, 0)
      - GREATEST(DATE_DIFF('day', p.period_start, s.period_start), w.prev_offset_days),
    0
  ) / (DATE_DIFF('day', s.period_start, s.period_end) + 1) AS previous_amount
FROM periods AS p
JOIN previous_periods AS w ON w.period_key = p.period_key
JOIN spend AS s
  ON s.period_start <= p.period_end
  AND DATE_DIFF('day', p.period_start, s.period_end) + 1 > w.prev_offset_days
