-- Floor of `search` and of each long-tail class: search with facets, from one match set
-- computed once: the page of 20 (+1) by relevance (as the server ranks: whether the title part,
-- titles and reference, holds the search, through the title's own GIN index; then closing
-- soonest), with organisation, project and
-- duty stations; the total; and the five facets of search.graphql (organisations, countries,
-- grade categories, contract types, open to external), all in one statement.
-- Variables: class (a class of bench_floor.search) and count (how many searches it has).
-- Two statements: the first only looks the search up.
\set n random(1, :count)
-- The search's tsquery, then the statement with it as a parameter (planned for its value, as
-- the server's bound parameter is).
SELECT q FROM bench_floor.search WHERE class = :class AND n = :n \gset
WITH m AS MATERIALIZED (
  SELECT v.id, v.reference, v.closing_at, v.grade, v.grade_category, v.contract_type,
         v.organisation_id, v.project_id, v.authoritative_language, v.open_to_external,
         CASE WHEN v.id IN (SELECT t.vacancy_id FROM vacancy_search t
                            WHERE to_tsvector('jobboard_search', t.title)
                                  @@ to_tsquery('jobboard_search', :q))
              THEN 1 ELSE 0 END AS rank
  FROM vacancy_search vs
  JOIN vacancy v ON v.id = vs.vacancy_id
  WHERE vs.tsv @@ to_tsquery('jobboard_search', :q)
    AND v.status = 'PUBLISHED' AND v.closing_at > now()
), page AS (
  SELECT * FROM m ORDER BY rank DESC, closing_at, id LIMIT 21
)
SELECT
  (SELECT count(*) FROM m) AS total,
  (SELECT json_agg(json_build_object(
     'id', p.id, 'reference', p.reference, 'title', t.title, 'closingAt', p.closing_at,
     'grade', p.grade, 'gradeCategory', p.grade_category, 'contractType', p.contract_type,
     'organisation', json_build_object('acronym', o.acronym, 'name', o.name_fr),
     'project', CASE WHEN pr.id IS NOT NULL THEN json_build_object('code', pr.code, 'name', pr.name_en) END,
     'dutyStations', (SELECT json_agg(json_build_object('city', d.city, 'country', d.country_code)
                      ORDER BY d.sort_order) FROM vacancy_duty_station d WHERE d.vacancy_id = p.id))
     ORDER BY p.rank DESC, p.closing_at, p.id)
   FROM page p
   JOIN organisation o ON o.id = p.organisation_id
   LEFT JOIN project pr ON pr.id = p.project_id
   LEFT JOIN vacancy_text t ON t.vacancy_id = p.id AND t.language = p.authoritative_language
  ) AS page,
  (SELECT json_agg(json_build_object('acronym', o.acronym, 'count', f.n) ORDER BY f.n DESC, o.acronym)
   FROM (SELECT organisation_id, count(*) AS n FROM m GROUP BY organisation_id) f
   JOIN organisation o ON o.id = f.organisation_id) AS organisations,
  (SELECT json_agg(json_build_object('country', f.country_code, 'count', f.n) ORDER BY f.n DESC, f.country_code)
   FROM (SELECT d.country_code, count(DISTINCT d.vacancy_id) AS n
         FROM m JOIN vacancy_duty_station d ON d.vacancy_id = m.id GROUP BY d.country_code) f) AS countries,
  (SELECT json_agg(json_build_object('gradeCategory', f.grade_category, 'count', f.n) ORDER BY f.n DESC)
   FROM (SELECT grade_category, count(*) AS n FROM m GROUP BY grade_category) f) AS grade_categories,
  (SELECT json_agg(json_build_object('contractType', f.contract_type, 'count', f.n) ORDER BY f.n DESC)
   FROM (SELECT contract_type, count(*) AS n FROM m GROUP BY contract_type) f) AS contract_types,
  (SELECT json_agg(json_build_object('value', f.open_to_external, 'count', f.n) ORDER BY f.n DESC)
   FROM (SELECT open_to_external, count(*) AS n FROM m GROUP BY open_to_external) f) AS open_to_external;
