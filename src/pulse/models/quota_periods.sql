-- Quota per period: every quota row overlapping the period, prorated by the days of overlap.
-- Rows without rep_id are the company quota (is_company = 1). A company quota belongs to the
-- company total, never to a segment (total_only = 1: a split by owner_id leaves it out, so no
-- owner segment, not even the one of deals without an owner, carries it).
SELECT
  p.period_key,
  q.rep_id AS owner_id,
  CASE WHEN q.rep_id IS NULL THEN 1 ELSE 0 END AS is_company,
  CASE WHEN q.rep_id IS NULL THEN 1 ELSE 0 END AS total_only,
  q.amount * (DATE_DIFF('day', GREATEST(q.period_start, p.period_start), LEAST(q.period_end, p.period_end)) + 1)
    / (DATE_DIFF('day', q.period_start, q.period_end) + 1) AS amount
FROM periods AS p
JOIN quotas AS q ON q.period_start <= p.period_end AND q.period_end >= p.period_start
