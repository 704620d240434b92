-- Floor of `detail`: one of the detail walk's notices (bench_floor.detail, variable `count`)
-- with every child row detail.graphql shows, as one JSON document from one statement: its
-- text in the authoritative language with that language's items, the organisation with its
-- offices, the project with its partners, duty stations, languages, qualification paths,
-- competencies, documents asked for and the application form.
\set k random(1, :count)
SELECT json_build_object(
  'vacancy', to_json(v),
  'textLanguages', (SELECT json_agg(t.language ORDER BY t.language) FROM vacancy_text t WHERE t.vacancy_id = v.id),
  'text', (SELECT json_build_object('text', to_json(t),
             'items', (SELECT json_agg(json_build_object('section', i.section, 'text', i.text,
                         'requirement', i.requirement) ORDER BY i.section, i.sort_order)
                       FROM vacancy_item i WHERE i.vacancy_id = v.id AND i.language = t.language))
           FROM vacancy_text t WHERE t.vacancy_id = v.id AND t.language = v.authoritative_language),
  'organisation', (SELECT json_build_object('id', o.id, 'acronym', o.acronym, 'name', o.name_en,
                     'nameFr', o.name_fr, 'website', o.website, 'recruitmentEmail', o.recruitment_email,
                     'offices', (SELECT json_agg(json_build_object('city', f.city, 'country', f.country_code)
                                 ORDER BY f.sort_order) FROM office f WHERE f.organisation_id = o.id))
                   FROM organisation o WHERE o.id = v.organisation_id),
  'project', (SELECT json_build_object('id', p.id, 'code', p.code, 'name', p.name_en,
                'partners', (SELECT json_agg(json_build_object('role', pp.role,
                               'organisation', json_build_object('acronym', po.acronym, 'name', po.name_en))
                             ORDER BY pp.sort_order)
                             FROM project_partner pp JOIN organisation po ON po.id = pp.organisation_id
                             WHERE pp.project_id = p.id))
              FROM project p WHERE p.id = v.project_id),
  'dutyStations', (SELECT json_agg(json_build_object('city', d.city, 'country', d.country_code)
                   ORDER BY d.sort_order) FROM vacancy_duty_station d WHERE d.vacancy_id = v.id),
  'languages', (SELECT json_agg(json_build_object('language', l.language_code, 'level', l.level,
                  'requirement', l.requirement, 'oneOfGroup', l.one_of) ORDER BY l.sort_order)
                FROM vacancy_language l WHERE l.vacancy_id = v.id),
  'qualificationPaths', (SELECT json_agg(json_build_object('educationLevel', q.education_level,
                           'minYearsExperience', q.min_years_experience, 'fields', q.fields)
                         ORDER BY q.sort_order)
                         FROM vacancy_qualification_path q WHERE q.vacancy_id = v.id),
  'competencies', (SELECT json_agg(json_build_object('level', vc.level, 'requirement', vc.requirement,
                     'competency', json_build_object('code', c.code, 'name', c.name_en, 'kind', c.kind))
                   ORDER BY vc.sort_order)
                   FROM vacancy_competency vc JOIN competency c ON c.id = vc.competency_id
                   WHERE vc.vacancy_id = v.id),
  'requiredDocuments', (SELECT json_agg(json_build_object('kind', dd.kind, 'count', dd.count, 'note', dd.note)
                        ORDER BY dd.sort_order) FROM vacancy_document dd WHERE dd.vacancy_id = v.id),
  'applicationForm', (SELECT json_agg(json_build_object('id', qq.id, 'kind', qq.kind,
                        'required', qq.required, 'prompt', qq.prompt) ORDER BY qq.sort_order)
                      FROM vacancy_question qq WHERE qq.vacancy_id = v.id))
FROM vacancy v
WHERE v.id = (SELECT id FROM bench_floor.detail WHERE k = :k);
