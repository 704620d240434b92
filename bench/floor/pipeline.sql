-- Floor of `pipeline`: the busiest vacancy's (variable `vacancy`) first 50 applications (+1),
-- eligible first, with the candidate and what eligibility shows (the stored screening), and
-- the total, in one statement.
WITH page AS (
  SELECT a.id, a.status, a.version, a.submitted_at, a.education_level, a.years_experience,
         a.residence_country, a.candidate_id, a.eligible, a.unmet
  FROM application a
  WHERE a.vacancy_id = :vacancy
  ORDER BY a.eligible IS TRUE DESC, a.id
  LIMIT 51
)
SELECT
  (SELECT count(*) FROM application WHERE vacancy_id = :vacancy) AS total,
  (SELECT json_agg(json_build_object(
     'id', p.id, 'status', p.status, 'version', p.version, 'submittedAt', p.submitted_at,
     'educationLevel', p.education_level, 'yearsExperience', p.years_experience,
     'residenceCountry', p.residence_country,
     'candidate', json_build_object('fullName', c.full_name, 'email', c.email),
     'eligibility', json_build_object('eligible', p.eligible, 'unmet', p.unmet))
     ORDER BY p.eligible IS TRUE DESC, p.id)
   FROM page p JOIN account c ON c.id = p.candidate_id) AS page;
