-- Won bookings under every scope a forecast can name: 'company' (every won deal),
-- 'rep:<owner_id>' (the owner's) and 'team:<team>' (the deals of the team's reps, from reps.team).
-- A deal counts on the day it closed (closed_at, else close_date).
SELECT 'company' AS scope, f.closed_on, f.amount
FROM opportunity_facts AS f
WHERE f.is_won = 1
UNION ALL
SELECT CONCAT('rep:', f.owner_id) AS scope, f.closed_on, f.amount
FROM opportunity_facts AS f
WHERE f.is_won = 1 AND f.owner_id IS NOT NULL
UNION ALL
SELECT CONCAT('team:', r.team) AS scope, f.closed_on, f.amount
FROM opportunity_facts AS f
JOIN reps AS r ON r.rep_id = f.owner_id
WHERE f.is_won = 1 AND r.team IS NOT NULL
