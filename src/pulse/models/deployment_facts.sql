-- Won deals with the deployments (installed units or sites) they cover and their ACV per
-- deployment; the deal's amount is taken as its annual contract value. has_deployments = 0 for
-- a deal whose deployments are empty or zero: it cannot be divided and is left out of the ratio.
SELECT
  f.opportunity_id,
  f.account_id,
  f.owner_id,
  f.segment,
  f.region,
  f.product_line,
  f.type,
  f.deal_size_band,
  f.is_pilot,
  f.closed_on,
  f.amount,
  f.deployments,
  CASE WHEN f.deployments > 0 THEN 1 ELSE 0 END AS has_deployments,
  CASE WHEN f.deployments > 0 THEN CAST(f.amount AS DOUBLE) / f.deployments END AS acv_per_deployment
FROM opportunity_facts AS f
WHERE f.is_won = 1
