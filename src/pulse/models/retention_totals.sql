-- The retention cohort (retention_cohort) added up per period, stream, segment, region and
-- industry: what NRR and GRR compute from. Every figure is a sum (span_months the largest), so
-- the totals of any split are the sums of these rows, as they are of the cohort's rows. Computed
-- once for both KPIs of a scorecard, which otherwise each added up every customer's row; the
-- cohort itself stays the KPIs' detail.
SELECT
  p.period_key,
  r.stream,
  r.segment,
  r.region,
  r.industry,
  r.span_months,
  r.arr_then,
  r.arr_now,
  r.arr_retained,
  r.cohort_count,
  r.retained_count
FROM periods AS p
JOIN (
  SELECT
    c.period_key,
    c.stream,
    c.segment,
    c.region,
    c.industry,
    MAX(c.span_months) AS span_months,
    SUM(c.arr_then) AS arr_then,
    SUM(c.arr_now) AS arr_now,
    SUM(c.arr_retained) AS arr_retained,
    SUM(c.cohort_count) AS cohort_count,
    SUM(c.retained_count) AS retained_count
  FROM retention_cohort AS c
  GROUP BY c.period_key, c.stream, c.segment, c.region, c.industry
) AS r ON r.period_key = p.period_key
