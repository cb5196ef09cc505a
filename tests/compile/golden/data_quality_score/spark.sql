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
        REGEXP_REPLACE(
          LOWER(name),
          '[-.,;:!?"\'()&/_+@#*][-.,;:!?"\'()&/_+@#* ]*| [-.,;:!?"\'()&/_+@#* ]+',
          ' '
        ),
        '( (inc|incorporated|corp|corporation|co|company|ltd|limited|llc|gmbh|ag|sa|plc|bv))+ *$',
        ''
      )
    ) AS name_key
  FROM accounts
  WHERE
    LTRIM(name) <> ''
), dq_name_key_signatures AS (
  SELECT
    name_key,
    CONCAT(
      COALESCE(LEFT(name_key, 3), ''),
      COALESCE(REGEXP_REPLACE(name_key, '[^0-9]+', ''), '')
    ) AS block,
    LENGTH(name_key) AS key_length,
    CAST(0 AS BIGINT) + CASE
      WHEN LOCATE('a', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%a%a%'
      THEN 134217729
      ELSE 1
    END + CASE
      WHEN LOCATE('b', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%b%b%'
      THEN 268435458
      ELSE 2
    END + CASE
      WHEN LOCATE('c', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%c%c%'
      THEN 536870916
      ELSE 4
    END + CASE
      WHEN LOCATE('d', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%d%d%'
      THEN 1073741832
      ELSE 8
    END + CASE
      WHEN LOCATE('e', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%e%e%'
      THEN 2147483664
      ELSE 16
    END + CASE
      WHEN LOCATE('f', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%f%f%'
      THEN 4294967328
      ELSE 32
    END + CASE
      WHEN LOCATE('g', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%g%g%'
      THEN 8589934656
      ELSE 64
    END + CASE
      WHEN LOCATE('h', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%h%h%'
      THEN 17179869312
      ELSE 128
    END + CASE
      WHEN LOCATE('i', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%i%i%'
      THEN 34359738624
      ELSE 256
    END + CASE
      WHEN LOCATE('j', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%j%j%'
      THEN 68719477248
      ELSE 512
    END + CASE
      WHEN LOCATE('k', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%k%k%'
      THEN 137438954496
      ELSE 1024
    END + CASE
      WHEN LOCATE('l', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%l%l%'
      THEN 274877908992
      ELSE 2048
    END + CASE
      WHEN LOCATE('m', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%m%m%'
      THEN 549755817984
      ELSE 4096
    END + CASE
      WHEN LOCATE('n', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%n%n%'
      THEN 1099511635968
      ELSE 8192
    END + CASE
      WHEN LOCATE('o', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%o%o%'
      THEN 2199023271936
      ELSE 16384
    END + CASE
      WHEN LOCATE('p', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%p%p%'
      THEN 4398046543872
      ELSE 32768
    END + CASE
      WHEN LOCATE('q', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%q%q%'
      THEN 8796093087744
      ELSE 65536
    END + CASE
      WHEN LOCATE('r', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%r%r%'
      THEN 17592186175488
      ELSE 131072
    END + CASE
      WHEN LOCATE('s', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%s%s%'
      THEN 35184372350976
      ELSE 262144
    END + CASE
      WHEN LOCATE('t', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%t%t%'
      THEN 70368744701952
      ELSE 524288
    END + CASE
      WHEN LOCATE('u', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%u%u%'
      THEN 140737489403904
      ELSE 1048576
    END + CASE
      WHEN LOCATE('v', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%v%v%'
      THEN 281474978807808
      ELSE 2097152
    END + CASE
      WHEN LOCATE('w', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%w%w%'
      THEN 562949957615616
      ELSE 4194304
    END + CASE
      WHEN LOCATE('x', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%x%x%'
      THEN 1125899915231232
      ELSE 8388608
    END + CASE
      WHEN LOCATE('y', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%y%y%'
      THEN 2251799830462464
      ELSE 16777216
    END + CASE
      WHEN LOCATE('z', name_key) = 0
      THEN 0
      WHEN name_key LIKE '%z%z%'
      THEN 4503599660924928
      ELSE 33554432
    END + CASE
      WHEN LOCATE(' ', name_key) = 0
      THEN 0
      WHEN name_key LIKE '% % %'
      THEN 9007199321849856
      ELSE 67108864
    END AS letters
  FROM (
    SELECT DISTINCT
      name_key
    FROM account_name_keys
  ) AS k
  WHERE
    LENGTH(name_key) >= 8
), dq_similar_keys AS (
  SELECT
    LEAST(a.name_key, b.name_key) AS key_a,
    GREATEST(a.name_key, b.name_key) AS key_b
  FROM (
    SELECT
      s.name_key,
      s.block,
      s.letters,
      d.length_offset,
      s.key_length + d.length_offset AS match_length
    FROM dq_name_key_signatures AS s
    CROSS JOIN (
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
    ON a.block = b.block
    AND a.match_length = b.key_length
    AND CASE
      WHEN BIT_COUNT(a.letters ^ b.letters) > 4 - a.length_offset
      THEN 3
      WHEN a.length_offset = 0 AND a.name_key >= b.name_key
      THEN 3
      ELSE LEVENSHTEIN(SUBSTRING(a.name_key, 4), SUBSTRING(b.name_key, 4))
    END <= 2
), dq_duplicate_accounts AS (
  SELECT
    p.period_key,
    x.account_id,
    x.name,
    MIN(x.match_id) AS duplicate_of
  FROM periods AS p
  JOIN (
    SELECT
      b.account_id,
      b.name,
      b.created_at,
      f.account_id AS match_id,
      f.created_at AS match_created_at
    FROM account_name_keys AS b
    JOIN account_name_keys AS f
      ON f.name_key = b.name_key AND f.account_id < b.account_id
    UNION ALL
    SELECT
      b.account_id,
      b.name,
      b.created_at,
      f.account_id AS match_id,
      f.created_at AS match_created_at
    FROM (
      SELECT
        k.key_a AS own_key,
        k.key_b AS match_key
      FROM dq_similar_keys AS k
      UNION ALL
      SELECT
        k.key_b AS own_key,
        k.key_a AS match_key
      FROM dq_similar_keys AS k
    ) AS m
    JOIN account_name_keys AS b
      ON b.name_key = m.own_key
    JOIN account_name_keys AS f
      ON f.name_key = m.match_key AND f.account_id < b.account_id
  ) AS x
    ON (
      x.created_at IS NULL OR x.created_at <= p.as_of
    )
    AND (
      x.match_created_at IS NULL OR x.match_created_at <= p.as_of
    )
  GROUP BY
    p.period_key,
    x.account_id,
    x.name
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
    a.name IS NULL OR LTRIM(a.name) = ''
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
    o.stage IS NULL OR LTRIM(o.stage) = ''
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
