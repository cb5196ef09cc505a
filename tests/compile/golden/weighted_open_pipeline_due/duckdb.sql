WITH periods AS (
  SELECT
    '2024-Q2' AS period_key,
    CAST('2024-04-01' AS DATE) AS period_start,
    CAST('2024-06-30' AS DATE) AS period_end,
    CAST('2024-04-01' AS DATE) AS as_of
), period_range AS (
  SELECT
    CAST('2024-04-01' AS DATE) AS first_day,
    CAST('2024-06-30' AS DATE) AS last_day
), stage_map AS (
  SELECT
    'qualification' AS stage,
    CAST(0.1 AS DOUBLE) AS probability,
    1 AS stage_order
  UNION ALL
  SELECT
    'discovery' AS stage,
    CAST(0.2 AS DOUBLE) AS probability,
    2 AS stage_order
  UNION ALL
  SELECT
    'demo' AS stage,
    CAST(0.35 AS DOUBLE) AS probability,
    3 AS stage_order
  UNION ALL
  SELECT
    'proposal' AS stage,
    CAST(0.5 AS DOUBLE) AS probability,
    4 AS stage_order
  UNION ALL
  SELECT
    'negotiation' AS stage,
    CAST(0.75 AS DOUBLE) AS probability,
    5 AS stage_order
  UNION ALL
  SELECT
    'verbal commitment' AS stage,
    CAST(0.9 AS DOUBLE) AS probability,
    6 AS stage_order
), pulse_settings AS (
  SELECT
    CAST('2024-07-01' AS DATE) AS today,
    0 AS cycle_from_first_meeting,
    CAST(NULL AS INT) AS reactivation_window_months,
    CAST(50.0 AS DOUBLE) AS health_threshold,
    CAST(0.5 AS DOUBLE) AS w_usage,
    CAST(0.25 AS DOUBLE) AS w_tickets,
    CAST(0.25 AS DOUBLE) AS w_nps
), open_candidate_spans AS (
  SELECT
    c.opportunity_id,
    c.in_history,
    c.in_opportunities,
    CAST(c.first_at AS DATE) AS first_changed_on,
    CAST(c.last_at AS DATE) AS last_changed_on,
    c.stage,
    c.amount,
    c.close_date,
    c.status,
    CASE
      WHEN c.changed_at > c.first_at
      AND (
        c.created_at IS NULL OR CAST(c.changed_at AS DATE) >= c.created_at
      )
      THEN CAST(CAST(c.changed_at AS DATE) + INTERVAL '1' DAY AS DATE)
      ELSE COALESCE(c.created_at, CAST('0001-01-01' AS DATE))
    END AS open_from,
    CASE
      WHEN NOT c.next_at IS NULL
      AND (
        c.closed_on IS NULL OR CAST(c.next_at AS DATE) <= c.closed_on
      )
      THEN CAST(c.next_at AS DATE)
      ELSE COALESCE(c.closed_on, CAST('9999-12-31' AS DATE))
    END AS open_to
  FROM (
    SELECT
      j.*,
      MIN(j.changed_at) OVER (PARTITION BY j.opportunity_id) AS first_at,
      MAX(j.changed_at) OVER (PARTITION BY j.opportunity_id) AS last_at,
      LEAD(j.changed_at) OVER (PARTITION BY j.opportunity_id ORDER BY j.changed_at) AS next_at
    FROM (
      SELECT
        COALESCE(s.opportunity_id, f.opportunity_id) AS opportunity_id,
        CASE WHEN s.opportunity_id IS NULL THEN 0 ELSE 1 END AS in_history,
        CASE WHEN f.opportunity_id IS NULL THEN 0 ELSE 1 END AS in_opportunities,
        f.created_at,
        f.closed_on,
        s.changed_at,
        s.stage,
        s.amount,
        s.close_date,
        s.status
      FROM stage_history AS s
      FULL OUTER JOIN (
        SELECT
          o.opportunity_id,
          o.created_at,
          CASE WHEN o.status IN ('won', 'lost') THEN COALESCE(o.closed_at, o.close_date) END AS closed_on
        FROM opportunities AS o
      ) AS f
        ON f.opportunity_id = s.opportunity_id
      WHERE
        f.opportunity_id IS NULL
        OR (
          f.created_at <= (
            SELECT
              last_day
            FROM period_range
          )
          AND (
            f.closed_on IS NULL
            OR f.closed_on >= (
              SELECT
                first_day
              FROM period_range
            )
          )
        )
    ) AS j
  ) AS c
), open_candidate_states AS (
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
      UNNEST(
        GENERATE_SERIES(
          EXTRACT(YEAR FROM GREATEST(h.open_from, r.first_as_of)) * 12 + EXTRACT(MONTH FROM GREATEST(h.open_from, r.first_as_of)),
          EXTRACT(YEAR FROM LEAST(h.open_to, r.last_as_of)) * 12 + EXTRACT(MONTH FROM LEAST(h.open_to, r.last_as_of))
        )
      ) AS as_of_month
    FROM open_candidate_spans AS h
    CROSS JOIN (
      SELECT
        MIN(as_of) AS first_as_of,
        MAX(as_of) AS last_as_of
      FROM periods
    ) AS r
    WHERE
      h.open_from <= h.open_to
      AND h.open_from <= r.last_as_of
      AND h.open_to >= r.first_as_of
  ) AS h
  JOIN (
    SELECT
      p.period_key,
      p.as_of,
      EXTRACT(YEAR FROM p.as_of) * 12 + EXTRACT(MONTH FROM p.as_of) AS as_of_month
    FROM periods AS p
  ) AS p
    ON p.as_of_month = h.as_of_month AND p.as_of >= h.open_from AND p.as_of <= h.open_to
), opportunity_facts AS (
  SELECT
    o.opportunity_id,
    o.account_id,
    o.owner_id,
    o.type,
    o.product_line,
    COALESCE(o.region, a.region) AS region,
    COALESCE(o.segment, a.segment) AS segment,
    o.source,
    o.motion,
    o.amount,
    o.list_amount,
    o.created_at,
    o.first_meeting_at,
    o.close_date,
    o.stage,
    LOWER(TRIM(REPLACE(o.stage, '_', ' '))) AS stage_key,
    o.status,
    o.is_pilot,
    o.pilot_converted,
    o.deployments,
    o.includes_service,
    o.pricing_model,
    CASE WHEN o.status IN ('won', 'lost') THEN COALESCE(o.closed_at, o.close_date) END AS closed_on,
    CASE WHEN o.status = 'won' THEN 1 ELSE 0 END AS is_won,
    CASE WHEN o.status = 'lost' THEN 1 ELSE 0 END AS is_lost,
    CASE WHEN o.status IN ('won', 'lost') THEN 1 ELSE 0 END AS is_closed,
    CASE
      WHEN o.status = 'won'
      THEN DATE_DIFF(
        'DAY',
        CASE
          WHEN s.cycle_from_first_meeting = 1 AND NOT o.first_meeting_at IS NULL
          THEN o.first_meeting_at
          ELSE o.created_at
        END,
        COALESCE(o.closed_at, o.close_date)
      )
    END AS cycle_days,
    CASE
      WHEN o.amount < 10000
      THEN '<10k'
      WHEN o.amount < 50000
      THEN '10k-50k'
      WHEN o.amount < 250000
      THEN '50k-250k'
      ELSE '250k+'
    END AS deal_size_band
  FROM opportunities AS o
  LEFT JOIN accounts AS a
    ON a.account_id = o.account_id
  CROSS JOIN pulse_settings AS s
), open_pipeline AS (
  SELECT
    s.period_key,
    s.opportunity_id,
    s.account_id,
    s.owner_id,
    s.type,
    s.product_line,
    s.region,
    s.segment,
    s.source,
    s.motion,
    s.deal_size_band,
    s.stage,
    s.amount,
    s.close_date,
    s.state_source,
    COALESCE(sm.probability, 0) AS probability,
    s.amount * COALESCE(sm.probability, 0) AS weighted_amount,
    CASE WHEN s.close_date BETWEEN s.period_start AND s.period_end THEN 1 ELSE 0 END AS due_in_period
  FROM (
    SELECT
      p.period_key,
      p.period_start,
      p.period_end,
      h.opportunity_id,
      f.account_id,
      f.owner_id,
      f.type,
      f.product_line,
      f.region,
      f.segment,
      f.source,
      f.motion,
      CASE WHEN h.in_history = 1 THEN 'stage_history' ELSE 'opportunity' END AS state_source,
      COALESCE(h.stage, f.stage) AS stage,
      LOWER(TRIM(REPLACE(COALESCE(h.stage, f.stage), '_', ' '))) AS stage_key,
      COALESCE(h.amount, f.amount) AS amount,
      COALESCE(h.close_date, f.close_date) AS close_date,
      CASE
        WHEN COALESCE(h.amount, f.amount) < 10000
        THEN '<10k'
        WHEN COALESCE(h.amount, f.amount) < 50000
        THEN '10k-50k'
        WHEN COALESCE(h.amount, f.amount) < 250000
        THEN '50k-250k'
        ELSE '250k+'
      END AS deal_size_band
    FROM open_candidate_states AS h
    JOIN periods AS p
      ON p.period_key = h.period_key
    LEFT JOIN opportunity_facts AS f
      ON f.opportunity_id = h.opportunity_id
    WHERE
      (
        h.status IS NULL OR NOT h.status IN ('won', 'lost')
      )
      AND (
        h.in_opportunities = 1
        OR (
          h.first_changed_on <= p.as_of AND h.last_changed_on >= p.as_of
        )
      )
  ) AS s
  LEFT JOIN stage_map AS sm
    ON sm.stage = s.stage_key
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    SUM(CASE WHEN m.due_in_period = 1 THEN m.weighted_amount END) AS value,
    CAST(NULL AS DOUBLE) AS numerator,
    CAST(NULL AS DOUBLE) AS denominator,
    SUM(CASE WHEN m.due_in_period = 1 THEN m.amount END) AS c_unweighted
  FROM periods AS p
  LEFT JOIN open_pipeline AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key
