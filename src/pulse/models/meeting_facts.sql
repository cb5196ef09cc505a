-- One row per sales meeting held, flagged when qualified (an empty flag is not qualified), with
-- the rep as owner_id and the account's segment and region.
SELECT
  m.meeting_id,
  m.held_at,
  m.rep_id AS owner_id,
  m.account_id,
  m.source,
  a.segment,
  a.region,
  1 AS is_meeting,
  CASE WHEN m.is_qualified THEN 1 ELSE 0 END AS is_qualified
FROM meetings AS m
LEFT JOIN accounts AS a ON a.account_id = m.account_id
