-- How the workspace writes NPS answers (one row): nps_0_to_10 = 1 when every answer lies between
-- 0 and 10 (survey answers), 0 when they are -100..100 scores.
SELECT CASE WHEN MIN(nps) >= 0 AND MAX(nps) <= 10 THEN 1 ELSE 0 END AS nps_0_to_10
FROM health_signals
