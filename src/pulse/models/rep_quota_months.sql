-- Each rep's quota per calendar month: every rep quota row spread over the months it overlaps,
-- prorated by days (a 91-day quarterly quota gives April 30/91 of it), summed per rep and month.
SELECT
  q.rep_id AS owner_id,
  CAST(m.month_start AS DATE) AS month_start,
  SUM(
    q.amount
    * (
      DATE_DIFF(
        'day',
        GREATEST(q.period_start, CAST(m.month_start AS DATE)),
        LEAST(q.period_end, LAST_DAY(CAST(m.month_start AS DATE)))
      ) + 1
    )
    / (DATE_DIFF('day', q.period_start, q.period_end) + 1)
  ) AS quota
FROM quotas AS q
CROSS JOIN UNNEST(
  GENERATE_SERIES(CAST(DATE_TRUNC('month', q.period_start) AS DATE), q.period_end, INTERVAL 1 MONTH)
) AS m(month_start)
WHERE q.rep_id IS NOT NULL
GROUP BY q.rep_id, CAST(m.month_start AS DATE)
