-- The hot statements of the benchmarked operations, as the server sends them (captured with
-- LOG_STATEMENTS=true), with representative values. Run by bench/explain.sh:
--   psql postgres://postgres@127.0.0.1:5432/bench -X -f bench/explain.sql
\set ON_ERROR_STOP on
\pset pager off
SELECT a.vacancy_id AS busiest FROM application a GROUP BY a.vacancy_id ORDER BY count(*) DESC LIMIT 1 \gset
SELECT string_agg(id::text, ',') AS page FROM (SELECT id FROM vacancy WHERE status = 'PUBLISHED' AND closing_at > now() ORDER BY id LIMIT 20) p \gset
SELECT id AS one_open FROM vacancy WHERE status = 'PUBLISHED' AND closing_at > now() + interval '1 day' ORDER BY id DESC LIMIT 1 \gset

\echo '=== list page: the page (anonymous, openOnly, closing soonest first)'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND (status = 'PUBLISHED' AND closing_at > now()) ORDER BY closing_at ASC, id ASC LIMIT 21;
\echo '=== list page: totalCount (once per write or COUNT_CACHE_SECONDS)'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) AS n FROM (SELECT * FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND (status = 'PUBLISHED' AND closing_at > now())) AS q;
\echo '=== list page: the page after a late cursor (row comparison)'
SELECT closing_at AS late_closing, id AS late_id FROM vacancy WHERE status = 'PUBLISHED' AND closing_at > now() ORDER BY closing_at, id OFFSET 60000 LIMIT 1 \gset
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND (status = 'PUBLISHED' AND closing_at > now()) AND (closing_at, id) > (:'late_closing', :late_id) ORDER BY closing_at ASC, id ASC LIMIT 21;
\echo '=== list page: relations of the page'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy_text WHERE vacancy_id IN (:page) ORDER BY id;
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy_duty_station WHERE vacancy_id IN (:page) ORDER BY sort_order;
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy_competency WHERE vacancy_id IN (:page) ORDER BY sort_order;

\echo '=== filtered list (country, grade category, open): the page'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND id IN (SELECT vacancy_id FROM vacancy_duty_station WHERE country_code = 'KE') AND grade_category = 'PROFESSIONAL' AND (status = 'PUBLISHED' AND closing_at > now()) ORDER BY id ASC LIMIT 21;
\echo '=== filtered list: totalCount'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) AS n FROM (SELECT * FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND id IN (SELECT vacancy_id FROM vacancy_duty_station WHERE country_code = 'KE') AND grade_category = 'PROFESSIONAL' AND (status = 'PUBLISHED' AND closing_at > now())) AS q;

\echo '=== search "migration", open only, by relevance: the page (full-text index, title score by a hashed subplan)'
EXPLAIN (ANALYZE, BUFFERS) SELECT *, CAST((CASE WHEN "vacancy"."id" IN (SELECT ts.vacancy_id FROM vacancy_search ts WHERE to_tsvector('jobboard_search', ts.title) @@ to_tsquery('jobboard_search', '''migration'':*')) THEN 1 ELSE 0 END) AS BIGINT) AS k_relevance FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND id IN (SELECT vacancy_id FROM vacancy_search WHERE tsv @@ to_tsquery('jobboard_search', '''migration'':*')) AND (status = 'PUBLISHED' AND closing_at > now()) ORDER BY k_relevance DESC, closing_at ASC, id ASC LIMIT 21;
\echo '=== search: totalCount, and one facet (by organisation)'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND id IN (SELECT vacancy_id FROM vacancy_search WHERE tsv @@ to_tsquery('jobboard_search', '''migration'':*')) AND (status = 'PUBLISHED' AND closing_at > now());
EXPLAIN (ANALYZE, BUFFERS) SELECT organisation_id, COUNT(vacancy.id) FROM vacancy WHERE status IN ('PUBLISHED', 'CLOSED') AND id IN (SELECT vacancy_id FROM vacancy_search WHERE tsv @@ to_tsquery('jobboard_search', '''migration'':*')) AND (status = 'PUBLISHED' AND closing_at > now()) GROUP BY organisation_id;

\echo '=== detail: the notice and its items'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy WHERE id = :one_open LIMIT 1;
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM vacancy_item WHERE vacancy_id IN (:one_open) ORDER BY sort_order;

\echo '=== pipeline: 50 applications of the busiest vacancy, eligible first'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM application WHERE vacancy_id = :busiest ORDER BY COALESCE(eligible, false) DESC, id ASC LIMIT 51;
\echo '=== pipeline: totalCount'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) AS n FROM (SELECT * FROM application WHERE vacancy_id = :busiest) AS q;
\echo '=== pipeline: next page after a cursor'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM application WHERE vacancy_id = :busiest AND (COALESCE(eligible, false) < true OR (COALESCE(eligible, false) = true AND id > 1)) ORDER BY COALESCE(eligible, false) DESC, id ASC LIMIT 51;

\echo '=== applyToVacancy: one application per candidate and vacancy'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM application WHERE vacancy_id = :one_open AND candidate_id = 1 LIMIT 1;
\echo '=== a candidate''s applications (myApplications), newest first'
EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM application WHERE candidate_id = 1000 ORDER BY id DESC LIMIT 21;
\echo '=== housekeeping: notices past their deadline'
EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM vacancy WHERE status = 'PUBLISHED' AND closing_at <= now();
