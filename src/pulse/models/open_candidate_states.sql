-- For each period, every opportunity that can be open at its as-of date and its recorded state
-- in force then (open_candidate_spans: the spans of days each recorded state is in force while
-- the opportunity can be open): those in opportunities (in_opportunities = 1) created on or
-- before the as-of date and not closed (by their own row) before it, and those found only in
-- stage_history (deleted, any date). in_history = 1: the stage_history row in force (the last
-- change recorded before the as-of day, else the first recorded change) and the days of the
-- opportunity's first and last recorded change; in_history = 0: an opportunity without history
-- (state columns empty).
-- Rather than search every opportunity's history once per period, the periods are one range
-- join with the spans: each as-of day falls in exactly one span of each opportunity that can
-- be open then.
SELECT
  p.period_key,
  h.opportunity_id,
  h.in_history,
  h.in_opportunities,
  h.first_changed_on,
  h.last_changed_on,
  h.stage,
  h.amount,
  h.close_date,
  h.status
FROM periods AS p
JOIN open_candidate_spans AS h ON p.as_of >= h.open_from AND p.as_of <= h.open_to
