//! The candidate profile: what a candidate states once, to pre-fill applications and to screen
//! vacancies for them (`vacancies(filter: { eligibleForMe: true })`, `Vacancy.eligibility`).

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::candidate_profile;

use crate::domain::{EducationLevel, LanguageLevel};
use crate::graphql::context;
use crate::service::profile::{self as service, ProfileInput};

/// A candidate's profile.
pub struct CandidateProfile(candidate_profile::Model);

/// A language a profile lists.
#[derive(SimpleObject)]
pub struct ProfileLanguage {
    /// ISO 639 code (`fr`, `ary`).
    language: String,
    /// The candidate's level.
    level: LanguageLevel,
}

/// A candidate's profile: pre-fills applications and decides `eligibleForMe`.
#[Object]
impl CandidateProfile {
    /// Country of residence (ISO 3166-1 alpha-2).
    async fn residence_country(&self) -> Option<&str> {
        self.0.residence_country.as_deref()
    }

    /// Nationality (ISO 3166-1 alpha-2), only if the candidate chose to give it; notices with a
    /// nationality rule need it.
    async fn nationality(&self) -> Option<&str> {
        self.0.nationality.as_deref()
    }

    /// Highest education level.
    async fn education_level(&self) -> Option<EducationLevel> {
        self.0
            .education_level
            .as_deref()
            .and_then(EducationLevel::parse)
    }

    /// The field of that education.
    async fn education_field(&self) -> Option<&str> {
        self.0.education_field.as_deref()
    }

    /// Years of relevant experience.
    async fn years_experience(&self) -> Option<i32> {
        self.0.years_experience
    }

    /// Languages known, with their level.
    async fn languages(&self) -> Vec<ProfileLanguage> {
        service::languages(&self.0)
            .into_iter()
            .map(|(language, level)| ProfileLanguage {
                language: language.as_str().to_owned(),
                level,
            })
            .collect()
    }

    /// Whether the candidate is a member of an organisation's staff (applies as internal).
    async fn internal_candidate(&self) -> bool {
        self.0.internal_candidate
    }

    /// Whether it holds what screening needs (residence country, education level, years of
    /// experience): `eligibleForMe` and `Vacancy.eligibility` refuse an incomplete profile.
    async fn complete(&self) -> bool {
        service::as_candidate(&self.0).is_some()
    }

    /// Changes with every edit; send it back with `updateMyProfile`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A language for a profile.
#[derive(InputObject)]
pub struct ProfileLanguageInput {
    /// ISO 639 code (`fr`, `ary`).
    language: String,
    /// The candidate's level.
    level: LanguageLevel,
}

/// A whole profile: fields left out are cleared.
#[derive(InputObject)]
pub struct CandidateProfileInput {
    /// Country of residence (ISO 3166-1 alpha-2).
    residence_country: Option<String>,
    /// Nationality (ISO 3166-1 alpha-2): give it only if you wish; notices with a nationality
    /// rule cannot find you eligible without it.
    nationality: Option<String>,
    /// Highest education level.
    education_level: Option<EducationLevel>,
    /// The field of that education (at most 255 characters).
    education_field: Option<String>,
    /// Years of relevant experience (0–70).
    years_experience: Option<i32>,
    /// Languages known (at most 20).
    #[graphql(default)]
    languages: Vec<ProfileLanguageInput>,
    /// Whether you are a member of an organisation's staff (default false).
    #[graphql(default)]
    internal_candidate: bool,
}

#[derive(Default)]
pub struct ProfileQuery;

#[Object]
impl ProfileQuery {
    /// The signed-in candidate's profile, or null before the first `updateMyProfile`.
    /// Candidates only: staff are refused (`FORBIDDEN`), anonymous callers `UNAUTHENTICATED`.
    async fn my_profile(&self, ctx: &Context<'_>) -> Result<Option<CandidateProfile>> {
        let row = service::mine(context::actor(ctx)?, context::db(ctx)?).await?;
        Ok(row.map(CandidateProfile))
    }
}

#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Replaces the signed-in candidate's profile (candidates only). Leave `version` out to
    /// create it; afterwards send the `version` read, or get `CONFLICT` if it changed since.
    async fn update_my_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile's `version` as read; left out to create the profile.")]
        version: Option<i32>,
        input: CandidateProfileInput,
    ) -> Result<CandidateProfile> {
        let input = ProfileInput {
            residence_country: input.residence_country,
            nationality: input.nationality,
            education_level: input.education_level,
            education_field: input.education_field,
            years_experience: input.years_experience,
            languages: input
                .languages
                .into_iter()
                .map(|l| (l.language, l.level))
                .collect(),
            internal_candidate: input.internal_candidate,
        };
        let row = service::update(context::actor(ctx)?, context::db(ctx)?, version, input).await?;
        Ok(CandidateProfile(row))
    }
}
