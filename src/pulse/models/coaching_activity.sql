-- Coaching per period, ready to divide: one row per rep employed in the period carrying the
-- period's length in months (rep_months), plus one row per coaching session (ride-along or deal
-- review) held in the period, whoever the rep.
SELECT
  r.period_key,
  r.owner_id,
  r.team,
  r.territory,
  1 AS is_rep,
  l.months AS rep_months,
  0 AS sessions,
  0 AS ride_alongs,
  0 AS deal_reviews
FROM rep_roster AS r
JOIN calendar_period_months AS l ON l.period_key = r.period_key
UNION ALL
SELECT
  p.period_key,
  c.rep_id AS owner_id,
  r.team,
  r.territory,
  0 AS is_rep,
  CAST(0 AS DOUBLE) AS rep_months,
  1 AS sessions,
  CASE WHEN c.kind = 'ride_along' THEN 1 ELSE 0 END AS ride_alongs,
  CASE WHEN c.kind = 'deal_review' THEN 1 ELSE 0 END AS deal_reviews
FROM periods AS p
JOIN coaching AS c ON c.held_at BETWEEN p.period_start AND p.period_end
LEFT JOIN reps AS r ON r.rep_id = c.rep_id
