-- The stage_history row in force for each opportunity at each period's as-of date: the last
-- change recorded before the as-of day (a change on the as-of day itself is not yet in force,
-- just as a deal closed that day still counts as open), else the first recorded change (the
-- state the opportunity was first recorded in). Also the days of its first and last recorded
-- change. Only opportunities that can be open then are looked up: those in opportunities
-- created on or before the as-of date and not closed (by their own row) before it, and those
-- found only in stage_history (deleted). These are the open_candidate_states with history.
SELECT
  c.period_key,
  c.opportunity_id,
  c.first_changed_on,
  c.last_changed_on,
  c.stage,
  c.amount,
  c.close_date,
  c.status
FROM open_candidate_states AS c
WHERE c.in_history = 1
