-- For each period, every opportunity that can be open at its as-of date and its recorded state
-- in force then (open_candidate_spans: the spans of days each recorded state is in force while
-- the opportunity can be open): those in opportunities (in_opportunities = 1) created on or
-- before the as-of date and not closed (by their own row) before it, and those found only in
-- stage_history (deleted, any date). in_history = 1: the stage_history row in force (the last
-- change recorded before the as-of day, else the first recorded change) and the days of the
-- opportunity's first and last recorded change; in_history = 0: an opportunity without history
-- (state columns empty).
-- Rather than search every opportunity's history once per period, each as-of day is matched to
-- the span of each opportunity it falls in: every span lists the months it touches within the
-- periods' as-of days (most touch one or two), and a span meets the periods whose as-of day is
-- in one of those months and inside the span. An equality join on the month, where a range
-- join would sort every span.
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
FROM (
  SELECT
    h.*,
    UNNEST(GENERATE_SERIES(
      EXTRACT(YEAR FROM GREATEST(h.open_from, r.first_as_of)) * 12
        + EXTRACT(MONTH FROM GREATEST(h.open_from, r.first_as_of)),
      EXTRACT(YEAR FROM LEAST(h.open_to, r.last_as_of)) * 12
        + EXTRACT(MONTH FROM LEAST(h.open_to, r.last_as_of))
    )) AS as_of_month
  FROM open_candidate_spans AS h
  CROSS JOIN (SELECT MIN(as_of) AS first_as_of, MAX(as_of) AS last_as_of FROM periods) AS r
  WHERE h.open_from <= h.open_to AND h.open_from <= r.last_as_of AND h.open_to >= r.first_as_of
) AS h
JOIN (
  SELECT
    p.period_key,
    p.as_of,
    EXTRACT(YEAR FROM p.as_of) * 12 + EXTRACT(MONTH FROM p.as_of) AS as_of_month
  FROM periods AS p
) AS p ON p.as_of_month = h.as_of_month AND p.as_of >= h.open_from AND p.as_of <= h.open_to
