//! Vacancies: the notices themselves, their text in each language and their requirements.

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{vacancy, vacancy_item, vacancy_text};

use crate::domain::labels::CodeKind;
use crate::domain::{
    local_date, ContractType, DocumentKind, EducationLevel, GradeCategory, ItemSection,
    LanguageLevel, LocalDeadline, NationalityRule, Requirement, ResidencyRule, VacancyStatus,
};
use crate::error::AppError;
use crate::graphql::application::{
    application_form, pipeline_for, Eligibility, PipelineCount, Question,
};
use crate::graphql::competency::Competency;
use crate::graphql::context;
use crate::graphql::labels::label_in;
use crate::graphql::loaders::{children, one};
use crate::graphql::organisation::Organisation;
use crate::graphql::project::Project;
use crate::graphql::relay::{global_id, NodeKind};
use crate::service;

/// One vacancy notice.
#[derive(Clone)]
pub struct Vacancy(pub vacancy::Model);

impl Vacancy {
    /// The text in `language`, else in the authoritative language, else any.
    async fn text_in(
        &self,
        ctx: &Context<'_>,
        language: Option<&str>,
    ) -> Result<Option<vacancy_text::Model>> {
        let texts = children(&context::loaders(ctx)?.vacancy_texts, self.0.id).await?;
        let wanted = language.map(str::to_ascii_lowercase);
        let pick = |lang: &str| texts.iter().find(|t| t.language == lang).cloned();
        Ok(wanted
            .as_deref()
            .and_then(pick)
            .or_else(|| pick(&self.0.authoritative_language))
            .or_else(|| texts.first().cloned()))
    }
}

/// One vacancy notice.
#[Object]
impl Vacancy {
    /// The vacancy's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::Vacancy, self.0.id)
    }

    /// The notice's reference, unique within its organisation (`VN 2023/005`).
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    /// The job id in the organisation's own recruitment system.
    async fn external_job_id(&self) -> Option<&str> {
        self.0.external_job_id.as_deref()
    }

    /// The title in a language, falling back to the notice's authoritative language.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 639 language code; the authoritative language when omitted.")]
        language: Option<String>,
    ) -> Result<String> {
        Ok(self
            .text_in(ctx, language.as_deref())
            .await?
            .map(|t| t.title)
            .unwrap_or_else(|| self.0.reference.clone()))
    }

    /// The notice's text in a language, falling back to its authoritative language.
    async fn text(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 639 language code; the authoritative language when omitted.")]
        language: Option<String>,
    ) -> Result<Option<VacancyText>> {
        Ok(self
            .text_in(ctx, language.as_deref())
            .await?
            .map(VacancyText))
    }

    /// The languages the notice is written in (ISO 639).
    async fn text_languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let texts = children(&context::loaders(ctx)?.vacancy_texts, self.0.id).await?;
        Ok(texts.into_iter().map(|t| t.language).collect())
    }

    /// The language whose text is authoritative (ISO 639).
    async fn authoritative_language(&self) -> &str {
        &self.0.authoritative_language
    }

    /// The organisation that posts it.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Organisation> {
        Ok(Organisation(
            one(&context::loaders(ctx)?.organisation, self.0.organisation_id).await?,
        ))
    }

    /// Every project the post serves: its main one (`project`) first, then the others in the
    /// notice's order (the LMI post serves THAMM+ and Y-MED).
    async fn projects(&self, ctx: &Context<'_>) -> Result<Vec<Project>> {
        let loaders = context::loaders(ctx)?;
        let links = children(&loaders.vacancy_projects, self.0.id).await?;
        let ids: Vec<i32> = self
            .0
            .project_id
            .into_iter()
            .chain(links.iter().map(|link| link.project_id))
            .collect();
        let mut found = loaders
            .project
            .load_many(ids.iter().copied())
            .await
            .map_err(crate::error::AppError::internal)?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(id))
            .map(Project)
            .collect())
    }

    /// The project the post serves.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<Project>> {
        match self.0.project_id {
            Some(id) => Ok(Some(Project(
                one(&context::loaders(ctx)?.project, id).await?,
            ))),
            None => Ok(None),
        }
    }

    /// The unit or office the post belongs to (`BP-Alger`).
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// The department, when the notice names one besides the unit (`BR-Afrique`).
    async fn department(&self) -> Option<&str> {
        self.0.department.as_deref()
    }

    /// The job family or category the notice files the post under (`Finance`).
    async fn job_family(&self) -> Option<&str> {
        self.0.job_family.as_deref()
    }

    /// The language the post works in (ISO 639), when the notice names one.
    async fn working_language(&self) -> Option<&str> {
        self.0.working_language.as_deref()
    }

    /// Whom candidates who need reasonable accommodation (a disability) write to, as the
    /// notice gives it (an e-mail address).
    async fn accommodation_contact(&self) -> Option<&str> {
        self.0.accommodation_contact.as_deref()
    }

    /// The grade (`G5`, `P4`, `NO-B`, `INTERN`, `CONSULTANT`).
    async fn grade(&self) -> Option<&str> {
        self.0.grade.as_deref()
    }

    /// The staff category the grade belongs to.
    async fn grade_category(&self) -> Result<Option<GradeCategory>> {
        Ok(self
            .0
            .grade_category
            .as_deref()
            .map(GradeCategory::from_db)
            .transpose()?)
    }

    /// The kind of contract offered.
    async fn contract_type(&self) -> Result<Option<ContractType>> {
        Ok(self
            .0
            .contract_type
            .as_deref()
            .map(ContractType::from_db)
            .transpose()?)
    }

    /// The contract's length in months.
    async fn duration_months(&self) -> Option<i32> {
        self.0.duration_months
    }

    /// Whether the contract may be extended.
    async fn renewable(&self) -> Option<bool> {
        self.0.renewable
    }

    /// How many posts the notice fills.
    async fn positions(&self) -> i32 {
        self.0.positions
    }

    /// Where the posts are based, in the notice's order.
    async fn duty_stations(&self, ctx: &Context<'_>) -> Result<Vec<DutyStation>> {
        let rows = children(&context::loaders(ctx)?.duty_stations, self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|d| DutyStation {
                city: d.city,
                country: d.country_code,
            })
            .collect())
    }

    /// Whether the organisation's own staff may apply.
    async fn open_to_internal(&self) -> bool {
        self.0.open_to_internal
    }

    /// Whether candidates from outside the organisation may apply.
    async fn open_to_external(&self) -> bool {
        self.0.open_to_external
    }

    /// Whether internal candidates are considered first.
    async fn internal_first(&self) -> bool {
        self.0.internal_first
    }

    /// Where candidates must live to be considered.
    async fn residency(&self) -> Result<ResidencyRule> {
        Ok(ResidencyRule::from_db(&self.0.residency)?)
    }

    /// Whose nationals may apply: a rule of its own, not the residency rule.
    async fn nationality(&self) -> Result<NationalityRule> {
        Ok(NationalityRule::from_db(&self.0.nationality_rule)?)
    }

    /// The countries (ISO 3166-1 alpha-2) of a `LISTED_COUNTRIES` nationality rule.
    async fn nationality_countries(&self) -> Vec<String> {
        service::application::nationality_countries(&self.0)
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect()
    }

    /// Whether this is generated sample data (development only, never in production),
    /// removed by `jobboard seed --remove-samples`; the real notices are false.
    async fn is_sample(&self) -> bool {
        self.0.is_sample
    }

    /// The signed-in candidate's eligibility, from their profile, by the same rules as the
    /// recruiters' screening: eligible, or the unmet requirements. Null for anyone else
    /// (anonymous callers, staff) and for a candidate whose profile is incomplete
    /// (`CandidateProfile.complete`).
    async fn eligibility(&self, ctx: &Context<'_>) -> Result<Option<Eligibility>> {
        let actor = context::actor(ctx)?;
        let Some(account) = service::profile::screener(actor) else {
            return Ok(None);
        };
        let loaders = context::loaders(ctx)?;
        let profile = loaders
            .profile_of_account
            .load_one(account)
            .await
            .map_err(AppError::internal)?;
        let Some(candidate) = profile.as_ref().and_then(service::profile::as_candidate) else {
            return Ok(None);
        };
        let requirements = service::application::requirements_from(
            &self.0,
            children(&loaders.qualification_paths, self.0.id).await?,
            children(&loaders.vacancy_languages, self.0.id).await?,
            children(&loaders.duty_stations, self.0.id).await?,
        )?;
        Ok(Some(
            crate::domain::eligibility::assess(&requirements, &candidate).into(),
        ))
    }

    /// The time zone the notice's dates are given in (IANA, `Europe/Zurich`).
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// When the notice went live on this board (set at publication). The date the notice
    /// itself states is `statedPublicationDate`.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// The publication date the notice states ("Date de publication : 14 mai 2025"), which
    /// may precede `publishedAt` (a notice imported or posted after it appeared elsewhere).
    async fn stated_publication_date(&self) -> Option<NaiveDate> {
        self.0.stated_publication_date
    }

    /// The publication date to print: the one the notice states, else the day it went live
    /// here in the notice's time zone.
    async fn publication_date(&self) -> Option<NaiveDate> {
        self.0.stated_publication_date.or_else(|| {
            self.0
                .published_at
                .map(|at| local_date(at, &self.0.time_zone))
        })
    }

    /// The deadline as the notice writes it, in its own time zone (null without a deadline).
    async fn local_closing(&self) -> Option<LocalClosing> {
        self.0
            .closing_at
            .map(|at| LocalDeadline::of(at, &self.0.time_zone).into())
    }

    /// The instant applications close.
    async fn closing_at(&self) -> Option<DateTime<Utc>> {
        self.0.closing_at
    }

    /// Whether it accepts applications now.
    async fn is_open(&self) -> Result<bool> {
        Ok(service::vacancy::effective_status(&self.0, Utc::now())? == VacancyStatus::Published)
    }

    /// The planned start date, when the notice gives one.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_on
    }

    /// Whether the post starts as soon as possible.
    async fn start_asap(&self) -> bool {
        self.0.start_asap
    }

    /// The e-mail address applications go to, when the notice asks for e-mail.
    async fn apply_email(&self) -> Option<&str> {
        self.0.apply_email.as_deref()
    }

    /// The page where one applies online.
    async fn apply_url(&self) -> Option<&str> {
        self.0.apply_url.as_deref()
    }

    /// The subject line the notice asks applications by e-mail to carry.
    async fn apply_email_subject(&self) -> Option<&str> {
        self.0.apply_email_subject.as_deref()
    }

    /// Language requirements in the notice's order.
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<LanguageRequirement>> {
        let rows = children(&context::loaders(ctx)?.vacancy_languages, self.0.id).await?;
        rows.into_iter()
            .map(|l| {
                Ok(LanguageRequirement {
                    language: l.language_code,
                    level: l.level.as_deref().map(LanguageLevel::from_db).transpose()?,
                    requirement: Requirement::from_db(&l.requirement)?,
                    one_of_group: l.one_of,
                    note: l.note,
                })
            })
            .collect()
    }

    /// The ways to qualify: any one path suffices.
    async fn qualification_paths(&self, ctx: &Context<'_>) -> Result<Vec<QualificationPath>> {
        let rows = children(&context::loaders(ctx)?.qualification_paths, self.0.id).await?;
        rows.into_iter()
            .map(|q| {
                Ok(QualificationPath {
                    education_level: EducationLevel::from_db(&q.education_level)?,
                    min_years_experience: q.min_years_experience,
                    fields: serde_json::from_value(q.fields).unwrap_or_default(),
                    description: q.description,
                })
            })
            .collect()
    }

    /// The competencies asked for, with level and whether each is required.
    async fn competencies(&self, ctx: &Context<'_>) -> Result<Vec<VacancyCompetency>> {
        let rows = children(&context::loaders(ctx)?.vacancy_competencies, self.0.id).await?;
        Ok(rows.into_iter().map(VacancyCompetency).collect())
    }

    /// The documents an application must include.
    async fn required_documents(&self, ctx: &Context<'_>) -> Result<Vec<RequiredDocument>> {
        let rows = children(&context::loaders(ctx)?.vacancy_documents, self.0.id).await?;
        rows.into_iter()
            .map(|d| {
                Ok(RequiredDocument {
                    kind: DocumentKind::from_db(&d.kind)?,
                    count: d.count,
                    note: d.note,
                })
            })
            .collect()
    }

    /// The notice's own application form: screening questions to answer when applying.
    async fn application_form(&self, ctx: &Context<'_>) -> Result<Vec<Question>> {
        application_form(ctx, &self.0).await
    }

    /// How many applications it has received; null unless the caller is staff of the posting
    /// organisation.
    async fn application_count(&self, ctx: &Context<'_>) -> Result<Option<i64>> {
        Ok(pipeline_for(ctx, &self.0)
            .await?
            .map(|counts| counts.iter().map(|c| c.count).sum()))
    }

    /// How many applications are in each status; null unless the caller is staff of the
    /// posting organisation.
    async fn pipeline(&self, ctx: &Context<'_>) -> Result<Option<Vec<PipelineCount>>> {
        pipeline_for(ctx, &self.0).await
    }

    /// The notice as a schema.org `JobPosting` (JSON-LD) for search engines and job aggregators,
    /// in a language (falling back to the authoritative one); also served at
    /// `GET /vacancies/{id}/jobposting.json`. Its strings hold the notice's text as written,
    /// `</script>` and `<!--` included: to embed it in a page, use `jobPostingScript`, never
    /// this value serialised by hand.
    async fn job_posting(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 639 language code; the authoritative language when omitted.")]
        language: Option<String>,
    ) -> Result<async_graphql::Json<serde_json::Value>> {
        let posting =
            crate::graphql::vacancy::job_posting::job_posting(ctx, &self.0, language.as_deref())
                .await?;
        Ok(async_graphql::Json(posting))
    }

    /// The same `JobPosting` as `jobPosting`, as JSON text ready to be placed as it is inside a
    /// `<script type="application/ld+json">` element: `<`, `>` and `&` (and the line separators
    /// U+2028 and U+2029) are written as `\uXXXX` escapes, so the notice's text can neither
    /// close the element nor open a comment, and the text parses back to the same value. The
    /// same text as `GET /vacancies/{id}/jobposting.json`.
    async fn job_posting_script(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 639 language code; the authoritative language when omitted.")]
        language: Option<String>,
    ) -> Result<String> {
        let posting =
            crate::graphql::vacancy::job_posting::job_posting(ctx, &self.0, language.as_deref())
                .await?;
        Ok(service::vacancy::job_posting::script_safe_json(&posting)?)
    }

    /// Where the notice is in its life; a published notice past its closing instant is closed.
    async fn status(&self) -> Result<VacancyStatus> {
        Ok(service::vacancy::effective_status(&self.0, Utc::now())?)
    }

    /// Changes with every edit; send it back with an update to detect concurrent edits.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A vacancy notice's text in one language.
pub struct VacancyText(vacancy_text::Model);

impl VacancyText {
    async fn rows(
        &self,
        ctx: &Context<'_>,
        section: ItemSection,
    ) -> Result<Vec<vacancy_item::Model>> {
        let rows: Vec<vacancy_item::Model> =
            children(&context::loaders(ctx)?.vacancy_items, self.0.vacancy_id).await?;
        Ok(rows
            .into_iter()
            .filter(|i| i.language == self.0.language && i.section == section.as_str())
            .collect())
    }

    async fn items(&self, ctx: &Context<'_>, section: ItemSection) -> Result<Vec<String>> {
        Ok(self
            .rows(ctx, section)
            .await?
            .into_iter()
            .map(|i| i.text)
            .collect())
    }

    async fn lines(&self, ctx: &Context<'_>, section: ItemSection) -> Result<Vec<NoticeLine>> {
        self.rows(ctx, section)
            .await?
            .into_iter()
            .map(|i| {
                Ok(NoticeLine {
                    requirement: i
                        .requirement
                        .as_deref()
                        .map(Requirement::from_db)
                        .transpose()?,
                    text: i.text,
                })
            })
            .collect()
    }
}

/// An experience or skill line of a notice.
#[derive(SimpleObject)]
pub struct NoticeLine {
    /// The line as the notice words it.
    text: String,
    /// Whether the notice requires it ("obligatoire") or counts it as a plus ("un atout");
    /// null when the notice does not say.
    requirement: Option<Requirement>,
}

/// The deadline as the notice writes it, on the clock of the notice's time zone: print `date`
/// and `time` with `timeZone` and the reader sees what the notice said. A notice closing "3 June
/// 2025, midnight Geneva time" reads `2025-06-03`, `24:00`, `endOfDay`, `Europe/Zurich`.
#[derive(SimpleObject)]
pub struct LocalClosing {
    /// The last day applications are accepted, in the notice's time zone.
    date: NaiveDate,
    /// The local time on `date` (`HH:MM`); `24:00` when the notice closes at the end of the day.
    time: String,
    /// Whether the notice closes at the end of `date` (midnight, or a plain date).
    end_of_day: bool,
    /// The IANA name of the notice's time zone (`Europe/Zurich` for Geneva time).
    time_zone: String,
    /// The zone's offset from UTC at the closing instant (`+02:00`).
    utc_offset: String,
    /// The closing instant with that offset (`2025-06-04T00:00:00+02:00`): `closingAt` on the
    /// notice's clock.
    at: String,
}

impl From<LocalDeadline> for LocalClosing {
    fn from(d: LocalDeadline) -> Self {
        Self {
            date: d.date,
            time: d.time,
            end_of_day: d.end_of_day,
            time_zone: d.time_zone.name().to_owned(),
            utc_offset: d.utc_offset,
            at: d.rfc3339,
        }
    }
}

/// A vacancy notice's text in one language.
#[Object]
impl VacancyText {
    /// The language of this text (ISO 639).
    async fn language(&self) -> &str {
        &self.0.language
    }

    /// The post's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The paragraph presenting the organisation.
    async fn organisation_intro(&self) -> Option<&str> {
        self.0.organisation_intro.as_deref()
    }

    /// The context of the post: the office, the project, its goals.
    async fn context(&self) -> Option<&str> {
        self.0.context.as_deref()
    }

    /// Who the post reports to.
    async fn reporting_lines(&self) -> Option<&str> {
        self.0.reporting_lines.as_deref()
    }

    /// The sentence that introduces the responsibilities.
    async fn responsibilities_intro(&self) -> Option<&str> {
        self.0.responsibilities_intro.as_deref()
    }

    /// The responsibilities, in order.
    async fn responsibilities(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        self.items(ctx, ItemSection::Responsibility).await
    }

    /// The experience sought (the lines' text; `experienceLines` says which are required).
    async fn experience(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        self.items(ctx, ItemSection::Experience).await
    }

    /// The experience sought, each line with whether it is required or desirable.
    async fn experience_lines(&self, ctx: &Context<'_>) -> Result<Vec<NoticeLine>> {
        self.lines(ctx, ItemSection::Experience).await
    }

    /// The skills sought (the lines' text; `skillLines` says which are required).
    async fn skills(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        self.items(ctx, ItemSection::Skill).await
    }

    /// The skills sought, each line with whether it is required or desirable.
    async fn skill_lines(&self, ctx: &Context<'_>) -> Result<Vec<NoticeLine>> {
        self.lines(ctx, ItemSection::Skill).await
    }

    /// Conditions of the offer: funding confirmation, medical clearance, residency.
    async fn conditions(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        self.items(ctx, ItemSection::Condition).await
    }

    /// How to apply.
    async fn how_to_apply(&self) -> Option<&str> {
        self.0.how_to_apply.as_deref()
    }

    /// Everything else the notice says: diversity statements, selection rules.
    async fn additional_information(&self) -> Option<&str> {
        self.0.additional_information.as_deref()
    }
}

/// A place a post is based.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct DutyStation {
    /// The city; null when the duty station is the whole country (`countryName` names it).
    city: Option<String>,
    /// The country (ISO 3166-1 alpha-2).
    country: String,
}

#[ComplexObject]
impl DutyStation {
    /// The country's name in `en`, `fr` or `ar` (English for any other language).
    async fn country_name(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Result<String> {
        label_in(CodeKind::Country, &self.country, &language)
    }
}

/// A language the post asks for.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct LanguageRequirement {
    /// ISO 639 code (`fr`, `en`, `ar`, `ary` for Darija).
    language: String,
    /// The level asked for, when the notice states one.
    level: Option<LanguageLevel>,
    /// Required or desirable.
    requirement: Requirement,
    /// Requirements sharing this number are alternatives: any one of them suffices.
    one_of_group: Option<i32>,
    /// The notice's own wording of the requirement, when the codes alone do not say it
    /// ("Maîtriser au moins une langue locale parlée au Maroc").
    note: Option<String>,
}

#[ComplexObject]
impl LanguageRequirement {
    /// The language's name in `en`, `fr` or `ar` (English for any other language), or its
    /// code when it has none.
    async fn language_name(
        &self,
        #[graphql(desc = "ISO 639 language code.", default = "en")] language: String,
    ) -> Result<String> {
        label_in(CodeKind::Language, &self.language, &language)
    }
}

/// One way to qualify: an education level with a minimum of relevant experience.
#[derive(SimpleObject)]
pub struct QualificationPath {
    /// The lowest education level this path accepts.
    education_level: EducationLevel,
    /// Years of relevant experience this path requires.
    min_years_experience: i32,
    /// Fields of study the notice names.
    fields: Vec<String>,
    /// The notice's own wording.
    description: Option<String>,
}

/// A document an application must include.
#[derive(SimpleObject)]
pub struct RequiredDocument {
    /// The kind of document.
    kind: DocumentKind,
    /// How many (two references, say).
    count: Option<i32>,
    /// What the notice says about it.
    note: Option<String>,
}

/// A competency a vacancy asks for.
pub struct VacancyCompetency(entity::vacancy_competency::Model);

/// A competency a vacancy asks for.
#[Object]
impl VacancyCompetency {
    /// The competency.
    async fn competency(&self, ctx: &Context<'_>) -> Result<Competency> {
        Ok(Competency(
            one(&context::loaders(ctx)?.competency, self.0.competency_id).await?,
        ))
    }

    /// The level asked for (1–3), when the notice gives one.
    async fn level(&self) -> Option<i32> {
        self.0.level
    }

    /// Required or desirable.
    async fn requirement(&self) -> Result<Requirement> {
        Ok(Requirement::from_db(&self.0.requirement)?)
    }
}
