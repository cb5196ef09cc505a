-- Customers with recurring lines in more than one stream. Only they need a blended scope of
-- their own: for a one-stream customer the blended figures are its stream's figures.
SELECT account_id
FROM subscription_lines
WHERE monthly_local IS NOT NULL
GROUP BY account_id
HAVING COUNT(DISTINCT stream) > 1
