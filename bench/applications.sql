-- Tops up a synthetic database with applications written by SQL alone, for when
-- `seed --synthetic … --applications 1000000` is too slow on a loaded machine (it screens every
-- application against its vacancy, reading the vacancy's requirements once per vacancy).
-- Same shape as the generator: 10 applications per candidate on consecutive published
-- vacancies, a fifth of the candidates among the first 1 % of them; eligibility is drawn
-- (40 % eligible) instead of screened. Usage:
--   psql postgres://postgres@127.0.0.1:5432/bench -X -v candidates=100000 -f bench/applications.sql
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO account (email, password_hash, full_name, role, active, version, created_at, updated_at)
SELECT format('candidate.s%s@synthetic.jobboard.invalid', n), '!', 'Synthetic Candidate S' || n,
       'CANDIDATE', true, 1, now(), now()
FROM generate_series(1, :candidates) n;

CREATE TEMP TABLE pub AS
SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM vacancy WHERE status = 'PUBLISHED';
CREATE INDEX ON pub (i);
ANALYZE pub;

INSERT INTO application (vacancy_id, candidate_id, status, cover_letter, internal_candidate,
  residence_country, education_level, education_field, years_experience, version, eligible,
  unmet, submitted_at, updated_at)
SELECT p.id, c.id, 'SUBMITTED', 'I am writing to apply for this position.', false,
       (ARRAY['KE','SN','MA','JO','TH','CH','PK','CO','CI','TR'])[1 + (c.id % 10)],
       (ARRAY['VOCATIONAL','BACHELOR','BACHELOR','MASTER','MASTER','DOCTORATE'])[1 + (c.id % 6)],
       'social sciences', c.id % 26, 1, e.ok,
       CASE WHEN e.ok THEN '[]'::json
            ELSE '[{"kind": "QUALIFICATION", "message": "needs a master''s degree with 5 years of experience (has a bachelor''s degree with 3 years)"}]'::json END,
       now() - (random() * interval '30 days'), now()
FROM (SELECT a.id, CASE WHEN random() < 0.2 THEN floor(random() * (n.total / 100))
                        ELSE floor(random() * n.total) END::int AS start
      FROM account a, (SELECT count(*) AS total FROM pub) n
      WHERE a.email LIKE 'candidate.s%@synthetic.jobboard.invalid') c
CROSS JOIN generate_series(0, 9) j
JOIN pub p ON p.i = (c.start + j) % (SELECT count(*) FROM pub)
CROSS JOIN LATERAL (SELECT random() < 0.4 AS ok) e
ON CONFLICT DO NOTHING;

INSERT INTO application_language (application_id, language_code, level)
SELECT a.id, l.code, l.level FROM application a
JOIN account c ON c.id = a.candidate_id AND c.email LIKE 'candidate.s%@synthetic.jobboard.invalid'
CROSS JOIN (VALUES ('en', 'FLUENT'), ('fr', 'WORKING')) l(code, level);

INSERT INTO application_event (application_id, actor_id, from_status, to_status, created_at)
SELECT a.id, a.candidate_id, NULL, 'SUBMITTED', a.submitted_at FROM application a
JOIN account c ON c.id = a.candidate_id AND c.email LIKE 'candidate.s%@synthetic.jobboard.invalid';
COMMIT;
VACUUM ANALYZE;
