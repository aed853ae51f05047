-- Bulk validation of one request part in a single scan: rows per broken rule (NULL = good),
-- successes, rejections (HTTP 429/503) and the first offending row of each rule.
SELECT _rule AS rule, count(*) AS n,
       count(*) FILTER (WHERE success) AS ok,
       count(*) FILTER (WHERE error LIKE '429:%' OR error LIKE '503:%') AS rejected,
       min(request_index) AS first_row
FROM {relation}
GROUP BY _rule
ORDER BY _rule NULLS FIRST;
