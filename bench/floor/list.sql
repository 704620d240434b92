-- Floor of `list`: the open list, closing soonest first, 20 rows (+1 for hasNextPage) with
-- organisation, project, duty stations and competencies as JSON, and the total bounded at
-- 10,000 (counted exactly below the bound), in one statement.
WITH page AS (
  SELECT v.id, v.reference, v.closing_at, v.grade, v.grade_category, v.contract_type,
         v.organisation_id, v.project_id, v.authoritative_language
  FROM vacancy v
  WHERE v.status = 'PUBLISHED' AND v.closing_at > now()
  ORDER BY v.closing_at, v.id
  LIMIT 21
)
SELECT
  (SELECT count(*) FROM (SELECT 1 FROM vacancy
     WHERE status = 'PUBLISHED' AND closing_at > now() LIMIT 10001) t) AS total,
  (SELECT json_agg(json_build_object(
     'id', p.id, 'reference', p.reference, 'title', t.title, 'closingAt', p.closing_at,
     'grade', p.grade, 'gradeCategory', p.grade_category, 'contractType', p.contract_type,
     'organisation', json_build_object('acronym', o.acronym, 'name', o.name_fr),
     'project', CASE WHEN pr.id IS NOT NULL THEN json_build_object('code', pr.code, 'name', pr.name_en) END,
     'dutyStations', (SELECT json_agg(json_build_object('city', d.city, 'country', d.country_code)
                      ORDER BY d.sort_order) FROM vacancy_duty_station d WHERE d.vacancy_id = p.id),
     'competencies', (SELECT json_agg(json_build_object('level', vc.level, 'requirement', vc.requirement,
                        'competency', json_build_object('code', c.code, 'name', c.name_en, 'kind', c.kind))
                      ORDER BY vc.sort_order)
                      FROM vacancy_competency vc JOIN competency c ON c.id = vc.competency_id
                      WHERE vc.vacancy_id = p.id))
     ORDER BY p.closing_at, p.id)
   FROM page p
   JOIN organisation o ON o.id = p.organisation_id
   LEFT JOIN project pr ON pr.id = p.project_id
   LEFT JOIN vacancy_text t ON t.vacancy_id = p.id AND t.language = p.authoritative_language
  ) AS page;
