WITH periods AS (
  SELECT
    '2024-Q2' AS period_key,
    CAST('2024-04-01' AS DATE) AS period_start,
    CAST('2024-06-30' AS DATE) AS period_end,
    CAST('2024-04-01' AS DATE) AS as_of
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
), account_name_keys AS (
  SELECT
    account_id,
    name,
    created_at,
    TRIM(
      REGEXP_REPLACE(
        REGEXP_REPLACE(REGEXP_REPLACE(LOWER(name), '[-.,;:!?"\'()&/_+@#*]', ' '), '[ ]+', ' '),
        '( (inc|incorporated|corp|corporation|co|company|ltd|limited|llc|gmbh|ag|sa|plc|bv))+ *$',
        ''
      )
    ) AS name_key
  FROM accounts
  WHERE
    NOT NULLIF(TRIM(name), '') IS NULL
), dq_key_first_account AS (
  SELECT
    p.period_key,
    k.name_key,
    MIN(k.account_id) AS first_account_id
  FROM periods AS p
  JOIN account_name_keys AS k
    ON k.created_at IS NULL OR k.created_at <= p.as_of
  GROUP BY
    p.period_key,
    k.name_key
), dq_name_key_signatures AS (
  SELECT
    name_key,
    LEFT(name_key, 3) AS prefix,
    REGEXP_REPLACE(name_key, '[^0-9]', '') AS digits,
    LENGTH(name_key) AS key_length,
    (
      CASE WHEN LOCATE('a', name_key) > 0 THEN 1 ELSE 0 END + CASE WHEN LOCATE('b', name_key) > 0 THEN 2 ELSE 0 END + CASE WHEN LOCATE('c', name_key) > 0 THEN 4 ELSE 0 END + CASE WHEN LOCATE('d', name_key) > 0 THEN 8 ELSE 0 END + CASE WHEN LOCATE('e', name_key) > 0 THEN 16 ELSE 0 END + CASE WHEN LOCATE('f', name_key) > 0 THEN 32 ELSE 0 END + CASE WHEN LOCATE('g', name_key) > 0 THEN 64 ELSE 0 END + CASE WHEN LOCATE('h', name_key) > 0 THEN 128 ELSE 0 END + CASE WHEN LOCATE('i', name_key) > 0 THEN 256 ELSE 0 END + CASE WHEN LOCATE('j', name_key) > 0 THEN 512 ELSE 0 END + CASE WHEN LOCATE('k', name_key) > 0 THEN 1024 ELSE 0 END + CASE WHEN LOCATE('l', name_key) > 0 THEN 2048 ELSE 0 END + CASE WHEN LOCATE('m', name_key) > 0 THEN 4096 ELSE 0 END + CASE WHEN LOCATE('n', name_key) > 0 THEN 8192 ELSE 0 END + CASE WHEN LOCATE('o', name_key) > 0 THEN 16384 ELSE 0 END + CASE WHEN LOCATE('p', name_key) > 0 THEN 32768 ELSE 0 END + CASE WHEN LOCATE('q', name_key) > 0 THEN 65536 ELSE 0 END + CASE WHEN LOCATE('r', name_key) > 0 THEN 131072 ELSE 0 END + CASE WHEN LOCATE('s', name_key) > 0 THEN 262144 ELSE 0 END + CASE WHEN LOCATE('t', name_key) > 0 THEN 524288 ELSE 0 END + CASE WHEN LOCATE('u', name_key) > 0 THEN 1048576 ELSE 0 END + CASE WHEN LOCATE('v', name_key) > 0 THEN 2097152 ELSE 0 END + CASE WHEN LOCATE('w', name_key) > 0 THEN 4194304 ELSE 0 END + CASE WHEN LOCATE('x', name_key) > 0 THEN 8388608 ELSE 0 END + CASE WHEN LOCATE('y', name_key) > 0 THEN 16777216 ELSE 0 END + CASE WHEN LOCATE('z', name_key) > 0 THEN 33554432 ELSE 0 END + CASE WHEN LOCATE(' ', name_key) > 0 THEN 67108864 ELSE 0 END
    ) AS letters_once,
    (
      CASE
        WHEN LOCATE('a', name_key) = 0
        THEN 0
        WHEN LOCATE('a', SUBSTRING(name_key, LOCATE('a', name_key) + 1)) > 0
        THEN 1
        ELSE 0
      END + CASE
        WHEN LOCATE('b', name_key) = 0
        THEN 0
        WHEN LOCATE('b', SUBSTRING(name_key, LOCATE('b', name_key) + 1)) > 0
        THEN 2
        ELSE 0
      END + CASE
        WHEN LOCATE('c', name_key) = 0
        THEN 0
        WHEN LOCATE('c', SUBSTRING(name_key, LOCATE('c', name_key) + 1)) > 0
        THEN 4
        ELSE 0
      END + CASE
        WHEN LOCATE('d', name_key) = 0
        THEN 0
        WHEN LOCATE('d', SUBSTRING(name_key, LOCATE('d', name_key) + 1)) > 0
        THEN 8
        ELSE 0
      END + CASE
        WHEN LOCATE('e', name_key) = 0
        THEN 0
        WHEN LOCATE('e', SUBSTRING(name_key, LOCATE('e', name_key) + 1)) > 0
        THEN 16
        ELSE 0
      END + CASE
        WHEN LOCATE('f', name_key) = 0
        THEN 0
        WHEN LOCATE('f', SUBSTRING(name_key, LOCATE('f', name_key) + 1)) > 0
        THEN 32
        ELSE 0
      END + CASE
        WHEN LOCATE('g', name_key) = 0
        THEN 0
        WHEN LOCATE('g', SUBSTRING(name_key, LOCATE('g', name_key) + 1)) > 0
        THEN 64
        ELSE 0
      END + CASE
        WHEN LOCATE('h', name_key) = 0
        THEN 0
        WHEN LOCATE('h', SUBSTRING(name_key, LOCATE('h', name_key) + 1)) > 0
        THEN 128
        ELSE 0
      END + CASE
        WHEN LOCATE('i', name_key) = 0
        THEN 0
        WHEN LOCATE('i', SUBSTRING(name_key, LOCATE('i', name_key) + 1)) > 0
        THEN 256
        ELSE 0
      END + CASE
        WHEN LOCATE('j', name_key) = 0
        THEN 0
        WHEN LOCATE('j', SUBSTRING(name_key, LOCATE('j', name_key) + 1)) > 0
        THEN 512
        ELSE 0
      END + CASE
        WHEN LOCATE('k', name_key) = 0
        THEN 0
        WHEN LOCATE('k', SUBSTRING(name_key, LOCATE('k', name_key) + 1)) > 0
        THEN 1024
        ELSE 0
      END + CASE
        WHEN LOCATE('l', name_key) = 0
        THEN 0
        WHEN LOCATE('l', SUBSTRING(name_key, LOCATE('l', name_key) + 1)) > 0
        THEN 2048
        ELSE 0
      END + CASE
        WHEN LOCATE('m', name_key) = 0
        THEN 0
        WHEN LOCATE('m', SUBSTRING(name_key, LOCATE('m', name_key) + 1)) > 0
        THEN 4096
        ELSE 0
      END + CASE
        WHEN LOCATE('n', name_key) = 0
        THEN 0
        WHEN LOCATE('n', SUBSTRING(name_key, LOCATE('n', name_key) + 1)) > 0
        THEN 8192
        ELSE 0
      END + CASE
        WHEN LOCATE('o', name_key) = 0
        THEN 0
        WHEN LOCATE('o', SUBSTRING(name_key, LOCATE('o', name_key) + 1)) > 0
        THEN 16384
        ELSE 0
      END + CASE
        WHEN LOCATE('p', name_key) = 0
        THEN 0
        WHEN LOCATE('p', SUBSTRING(name_key, LOCATE('p', name_key) + 1)) > 0
        THEN 32768
        ELSE 0
      END + CASE
        WHEN LOCATE('q', name_key) = 0
        THEN 0
        WHEN LOCATE('q', SUBSTRING(name_key, LOCATE('q', name_key) + 1)) > 0
        THEN 65536
        ELSE 0
      END + CASE
        WHEN LOCATE('r', name_key) = 0
        THEN 0
        WHEN LOCATE('r', SUBSTRING(name_key, LOCATE('r', name_key) + 1)) > 0
        THEN 131072
        ELSE 0
      END + CASE
        WHEN LOCATE('s', name_key) = 0
        THEN 0
        WHEN LOCATE('s', SUBSTRING(name_key, LOCATE('s', name_key) + 1)) > 0
        THEN 262144
        ELSE 0
      END + CASE
        WHEN LOCATE('t', name_key) = 0
        THEN 0
        WHEN LOCATE('t', SUBSTRING(name_key, LOCATE('t', name_key) + 1)) > 0
        THEN 524288
        ELSE 0
      END + CASE
        WHEN LOCATE('u', name_key) = 0
        THEN 0
        WHEN LOCATE('u', SUBSTRING(name_key, LOCATE('u', name_key) + 1)) > 0
        THEN 1048576
        ELSE 0
      END + CASE
        WHEN LOCATE('v', name_key) = 0
        THEN 0
        WHEN LOCATE('v', SUBSTRING(name_key, LOCATE('v', name_key) + 1)) > 0
        THEN 2097152
        ELSE 0
      END + CASE
        WHEN LOCATE('w', name_key) = 0
        THEN 0
        WHEN LOCATE('w', SUBSTRING(name_key, LOCATE('w', name_key) + 1)) > 0
        THEN 4194304
        ELSE 0
      END + CASE
        WHEN LOCATE('x', name_key) = 0
        THEN 0
        WHEN LOCATE('x', SUBSTRING(name_key, LOCATE('x', name_key) + 1)) > 0
        THEN 8388608
        ELSE 0
      END + CASE
        WHEN LOCATE('y', name_key) = 0
        THEN 0
        WHEN LOCATE('y', SUBSTRING(name_key, LOCATE('y', name_key) + 1)) > 0
        THEN 16777216
        ELSE 0
      END + CASE
        WHEN LOCATE('z', name_key) = 0
        THEN 0
        WHEN LOCATE('z', SUBSTRING(name_key, LOCATE('z', name_key) + 1)) > 0
        THEN 33554432
        ELSE 0
      END + CASE
        WHEN LOCATE(' ', name_key) = 0
        THEN 0
        WHEN LOCATE(' ', SUBSTRING(name_key, LOCATE(' ', name_key) + 1)) > 0
        THEN 67108864
        ELSE 0
      END
    ) AS letters_twice
  FROM (
    SELECT DISTINCT
      name_key
    FROM account_name_keys
  ) AS k
  WHERE
    LENGTH(name_key) >= 8
), dq_similar_keys AS (
  SELECT
    key_a,
    key_b
  FROM (
    SELECT
      a.name_key AS key_a,
      b.name_key AS key_b,
      MIN(LEVENSHTEIN(SUBSTRING(a.name_key, 4), SUBSTRING(b.name_key, 4))) AS edits
    FROM (
      SELECT
        s.name_key,
        s.prefix,
        s.digits,
        s.letters_once,
        s.letters_twice,
        s.key_length + d.length_offset AS match_length
      FROM dq_name_key_signatures AS s
      CROSS JOIN (
        SELECT
          -2 AS length_offset
        UNION ALL
        SELECT
          -1 AS length_offset
        UNION ALL
        SELECT
          0 AS length_offset
        UNION ALL
        SELECT
          1 AS length_offset
        UNION ALL
        SELECT
          2 AS length_offset
      ) AS d
    ) AS a
    JOIN dq_name_key_signatures AS b
      ON a.prefix = b.prefix
      AND a.digits = b.digits
      AND a.match_length = b.key_length
      AND a.name_key < b.name_key
      AND BIT_COUNT(a.letters_once ^ b.letters_once) + BIT_COUNT(a.letters_twice ^ b.letters_twice) <= 4
    GROUP BY
      a.name_key,
      b.name_key
  ) AS pairs
  WHERE
    edits <= 2
), dq_key_matches AS (
  SELECT DISTINCT
    k.name_key,
    k.name_key AS match_key
  FROM account_name_keys AS k
  UNION ALL
  SELECT
    s.key_a AS name_key,
    s.key_b AS match_key
  FROM dq_similar_keys AS s
  UNION ALL
  SELECT
    s.key_b AS name_key,
    s.key_a AS match_key
  FROM dq_similar_keys AS s
), dq_duplicate_accounts AS (
  SELECT
    p.period_key,
    b.account_id,
    b.name,
    MIN(f.first_account_id) AS duplicate_of
  FROM periods AS p
  JOIN account_name_keys AS b
    ON b.created_at IS NULL OR b.created_at <= p.as_of
  JOIN dq_key_matches AS m
    ON m.name_key = b.name_key
  JOIN dq_key_first_account AS f
    ON f.period_key = p.period_key
    AND f.name_key = m.match_key
    AND f.first_account_id < b.account_id
  GROUP BY
    p.period_key,
    b.account_id,
    b.name
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
      THEN DATEDIFF(
        DAY,
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
), dq_open_opportunities AS (
  SELECT
    p.period_key,
    p.as_of,
    f.opportunity_id,
    f.owner_id,
    f.stage,
    f.close_date,
    f.created_at,
    COALESCE(c.last_changed_on, f.created_at) AS last_changed_on
  FROM periods AS p
  JOIN opportunity_facts AS f
    ON f.created_at <= p.as_of AND (
      f.closed_on IS NULL OR f.closed_on >= p.as_of
    )
  LEFT JOIN (
    SELECT
      q.period_key,
      h.opportunity_id,
      CAST(MAX(h.changed_at) AS DATE) AS last_changed_on
    FROM (
      SELECT DISTINCT
        p.period_key,
        p.as_of,
        o.opportunity_id
      FROM periods AS p
      JOIN opportunities AS o
        ON o.created_at <= p.as_of
        AND (
          NOT o.status IN ('won', 'lost')
          OR o.status IS NULL
          OR COALESCE(o.closed_at, o.close_date) IS NULL
          OR COALESCE(o.closed_at, o.close_date) >= p.as_of
        )
    ) AS q
    JOIN stage_history AS h
      ON h.opportunity_id = q.opportunity_id AND CAST(h.changed_at AS DATE) <= q.as_of
    GROUP BY
      q.period_key,
      h.opportunity_id
  ) AS c
    ON c.period_key = p.period_key AND c.opportunity_id = f.opportunity_id
), dq_findings AS (
  SELECT
    d.period_key,
    'duplicate_account' AS kind,
    'account' AS record_type,
    d.account_id AS record_id,
    CONCAT('name \'', COALESCE(d.name, ''), '\' matches account ', COALESCE(d.duplicate_of, '')) AS message
  FROM periods AS p
  JOIN dq_duplicate_accounts AS d
    ON d.period_key = p.period_key
  UNION ALL
  SELECT
    p.period_key,
    'unnamed_account' AS kind,
    'account' AS record_type,
    a.account_id AS record_id,
    'account has no name' AS message
  FROM periods AS p
  JOIN accounts AS a
    ON a.created_at IS NULL OR a.created_at <= p.as_of
  WHERE
    NULLIF(TRIM(a.name), '') IS NULL
  UNION ALL
  SELECT
    o.period_key,
    'missing_stage' AS kind,
    'opportunity' AS record_type,
    o.opportunity_id AS record_id,
    'open opportunity has no stage' AS message
  FROM periods AS p
  JOIN dq_open_opportunities AS o
    ON o.period_key = p.period_key
  WHERE
    NULLIF(TRIM(o.stage), '') IS NULL
  UNION ALL
  SELECT
    o.period_key,
    'past_close_date' AS kind,
    'opportunity' AS record_type,
    o.opportunity_id AS record_id,
    CONCAT(
      'open opportunity has close date ',
      COALESCE(CAST(o.close_date AS STRING), ''),
      ', before ',
      COALESCE(CAST(o.as_of AS STRING), '')
    ) AS message
  FROM periods AS p
  JOIN dq_open_opportunities AS o
    ON o.period_key = p.period_key
  WHERE
    o.close_date < o.as_of
  UNION ALL
  SELECT
    o.period_key,
    'stale_deal' AS kind,
    'opportunity' AS record_type,
    o.opportunity_id AS record_id,
    CONCAT(
      'no change since ',
      COALESCE(CAST(o.last_changed_on AS STRING), ''),
      ' (',
      COALESCE(CAST(DATEDIFF(DAY, o.last_changed_on, o.as_of) AS STRING), ''),
      ' days)'
    ) AS message
  FROM periods AS p
  JOIN dq_open_opportunities AS o
    ON o.period_key = p.period_key
  WHERE
    DATEDIFF(DAY, o.last_changed_on, o.as_of) > 90
), dq_finding_counts AS (
  SELECT
    period_key,
    record_type,
    record_id,
    COUNT(*) AS findings,
    SUM(CASE WHEN kind = 'duplicate_account' THEN 1 ELSE 0 END) AS duplicate_account,
    SUM(CASE WHEN kind = 'unnamed_account' THEN 1 ELSE 0 END) AS unnamed_account,
    SUM(CASE WHEN kind = 'missing_stage' THEN 1 ELSE 0 END) AS missing_stage,
    SUM(CASE WHEN kind = 'past_close_date' THEN 1 ELSE 0 END) AS past_close_date,
    SUM(CASE WHEN kind = 'stale_deal' THEN 1 ELSE 0 END) AS stale_deal
  FROM dq_findings
  GROUP BY
    period_key,
    record_type,
    record_id
), dq_records AS (
  SELECT
    p.period_key,
    'account' AS record_type,
    a.account_id AS record_id,
    COALESCE(c.findings, 0) AS findings,
    COALESCE(c.duplicate_account, 0) AS duplicate_account,
    COALESCE(c.unnamed_account, 0) AS unnamed_account,
    0 AS missing_stage,
    0 AS past_close_date,
    0 AS stale_deal,
    CASE WHEN c.findings IS NULL THEN 1 ELSE 0 END AS is_clean
  FROM periods AS p
  JOIN accounts AS a
    ON a.created_at IS NULL OR a.created_at <= p.as_of
  LEFT JOIN dq_finding_counts AS c
    ON c.period_key = p.period_key
    AND c.record_type = 'account'
    AND c.record_id = a.account_id
  UNION ALL
  SELECT
    p.period_key,
    'opportunity' AS record_type,
    o.opportunity_id AS record_id,
    COALESCE(c.findings, 0) AS findings,
    0 AS duplicate_account,
    0 AS unnamed_account,
    COALESCE(c.missing_stage, 0) AS missing_stage,
    COALESCE(c.past_close_date, 0) AS past_close_date,
    COALESCE(c.stale_deal, 0) AS stale_deal,
    CASE WHEN c.findings IS NULL THEN 1 ELSE 0 END AS is_clean
  FROM periods AS p
  JOIN dq_open_opportunities AS o
    ON o.period_key = p.period_key
  LEFT JOIN dq_finding_counts AS c
    ON c.period_key = p.period_key
    AND c.record_type = 'opportunity'
    AND c.record_id = o.opportunity_id
)
SELECT
  *
FROM (
  SELECT
    p.period_key AS period_key,
    CAST(SUM(m.is_clean) AS DOUBLE) * 1.0 / NULLIF(CAST(COUNT(m.record_id) AS DOUBLE), 0) AS value,
    SUM(m.is_clean) AS numerator,
    COUNT(m.record_id) AS denominator,
    COUNT(m.record_id) AS c_records_checked,
    SUM(1 - m.is_clean) AS c_records_with_findings,
    SUM(m.findings) AS c_findings,
    SUM(m.duplicate_account) AS c_duplicate_accounts,
    SUM(m.unnamed_account) AS c_unnamed_accounts,
    SUM(m.missing_stage) AS c_missing_stage,
    SUM(m.past_close_date) AS c_past_close_date,
    SUM(m.stale_deal) AS c_stale_deals
  FROM periods AS p
  LEFT JOIN dq_records AS m
    ON m.period_key = p.period_key
  GROUP BY
    p.period_key
) AS result
ORDER BY
  period_key NULLS LAST
