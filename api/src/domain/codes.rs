//! Closed sets of codes. Each is a GraphQL enum, a serde value (seed files) and a string in the
//! database, spelt the same everywhere.

use crate::error::{AppError, AppResult};

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize, serde::Serialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] #[graphql(name = $code)] $variant, )+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)+ _ => None }
            }

            /// Reads a code stored by this application; anything else is a corrupt row.
            pub fn from_db(code: &str) -> AppResult<Self> {
                Self::parse(code).ok_or_else(|| {
                    AppError::internal(UnknownCode { kind: stringify!($name), code: code.to_owned() })
                })
            }
        }
    };
}

#[derive(Debug, thiserror::Error)]
#[error("unknown {kind} code {code:?} in the database")]
pub struct UnknownCode {
    kind: &'static str,
    code: String,
}

code_enum! {
    /// What kind of body an organisation is.
    pub enum OrganisationKind {
        /// A United Nations agency, fund or programme (ILO, UNHCR, UNICEF, UNFPA).
        UnAgency = "UN_AGENCY",
        /// An organisation related to the United Nations (IOM since 2016).
        RelatedOrganisation = "RELATED_ORGANISATION",
        /// An intergovernmental organisation outside the UN system (ICMPD).
        Intergovernmental = "INTERGOVERNMENTAL",
        /// A government ministry or public agency.
        Government = "GOVERNMENT",
        /// A non-governmental or civil-society organisation.
        Ngo = "NGO",
        /// A funding body (European Commission).
        Donor = "DONOR",
        /// Anything else (cooperatives, private sector).
        Other = "OTHER",
    }
}

code_enum! {
    /// An organisation's role in a project.
    pub enum PartnerRole {
        /// Leads the project.
        Lead = "LEAD",
        /// Convenes a joint programme (the UN's convening agency).
        Convening = "CONVENING",
        /// Takes part in a joint programme.
        Participating = "PARTICIPATING",
        /// Carries out activities.
        Implementing = "IMPLEMENTING",
        /// Funds the project (through a fund manager, when the partnership names one).
        Donor = "DONOR",
        /// Works alongside: the project is coordinated with it (THAMM+ with the ILO, GIZ, OFII
        /// and ENABEL), without funding or carrying it out.
        Coordinating = "COORDINATING",
        /// Manages a donor's funds for the project without being a donor itself (ICMPD manages
        /// the Mobility Partnership Facility the European Commission funds).
        FundManager = "FUND_MANAGER",
    }
}

code_enum! {
    /// Whether a project still runs.
    pub enum ProjectStatus {
        /// Running; its vacancies can be posted.
        Active = "ACTIVE",
        /// Finished or withdrawn; kept for its history.
        Archived = "ARCHIVED",
    }
}

code_enum! {
    /// The family a competency belongs to in a framework.
    pub enum CompetencyKind {
        /// An organisational value (integrity, professionalism).
        Value = "VALUE",
        /// A core competency every staff member shows.
        Core = "CORE",
        /// A managerial competency.
        Managerial = "MANAGERIAL",
        /// A technical competency of a job family.
        Technical = "TECHNICAL",
        /// A behavioural competency.
        Behavioural = "BEHAVIOURAL",
        /// A functional competency: what a function or job family needs (agencies' word for
        /// what others call technical).
        Functional = "FUNCTIONAL",
    }
}

code_enum! {
    /// Where a vacancy is in its life.
    pub enum VacancyStatus {
        /// Being written; seen only by its organisation.
        Draft = "DRAFT",
        /// Open for applications until its closing instant.
        Published = "PUBLISHED",
        /// Past its closing instant or closed by hand; applications are being processed.
        Closed = "CLOSED",
        /// Done and kept for the record.
        Archived = "ARCHIVED",
        /// Withdrawn before it was filled.
        Cancelled = "CANCELLED",
    }
}

code_enum! {
    /// The staff category a grade belongs to.
    pub enum GradeCategory {
        /// Locally recruited support staff (G1–G7).
        GeneralService = "GENERAL_SERVICE",
        /// Internationally recruited professionals (P1–P5).
        Professional = "PROFESSIONAL",
        /// Directors (D1–D2).
        Director = "DIRECTOR",
        /// National professional officers (NO-A to NO-E).
        NationalOfficer = "NATIONAL_OFFICER",
        /// Interns.
        Intern = "INTERN",
        /// Consultants and individual contractors.
        Consultant = "CONSULTANT",
    }
}

code_enum! {
    /// The kind of contract a vacancy offers.
    pub enum ContractType {
        /// A fixed-term appointment.
        FixedTerm = "FIXED_TERM",
        /// A temporary appointment.
        Temporary = "TEMPORARY",
        /// A technical-cooperation project appointment.
        TechnicalCooperation = "TECHNICAL_COOPERATION",
        /// An internship.
        Internship = "INTERNSHIP",
        /// A consultancy.
        Consultancy = "CONSULTANCY",
    }
}

code_enum! {
    /// Where candidates must live to be considered.
    pub enum ResidencyRule {
        /// No residency requirement.
        None = "NONE",
        /// Legal residence in the duty station's country.
        DutyStationCountry = "DUTY_STATION_COUNTRY",
        /// Legal residence in the duty station's country or a neighbouring one within commuting distance.
        DutyStationOrNeighbouring = "DUTY_STATION_OR_NEIGHBOURING",
    }
}

code_enum! {
    /// Whose nationals may apply: a rule of its own, not the residency rule (a National Officer
    /// post is open to nationals of the duty station's country, wherever they live).
    pub enum NationalityRule {
        /// No nationality requirement.
        None = "NONE",
        /// Nationals of a duty station's country only (National Officer posts).
        DutyStationCountry = "DUTY_STATION_COUNTRY",
        /// Nationals of the countries the notice lists.
        ListedCountries = "LISTED_COUNTRIES",
    }
}

code_enum! {
    /// How well a language is known, from least to most.
    pub enum LanguageLevel {
        /// Basic knowledge.
        Basic = "BASIC",
        /// Working knowledge.
        Working = "WORKING",
        /// Fluent: a good command, spoken and written.
        Fluent = "FLUENT",
        /// Excellent or perfect command.
        Excellent = "EXCELLENT",
    }
}

code_enum! {
    /// A level of education, from lowest to highest.
    pub enum EducationLevel {
        /// Secondary school diploma.
        Secondary = "SECONDARY",
        /// Vocational or technical diploma after secondary school.
        Vocational = "VOCATIONAL",
        /// Bachelor's or first university degree (licence).
        Bachelor = "BACHELOR",
        /// Master's or advanced university degree.
        Master = "MASTER",
        /// Doctorate.
        Doctorate = "DOCTORATE",
    }
}

code_enum! {
    /// Whether a requirement must be met.
    pub enum Requirement {
        /// Must be met.
        Required = "REQUIRED",
        /// An advantage.
        Desirable = "DESIRABLE",
    }
}

code_enum! {
    /// A document a notice asks applicants for.
    pub enum DocumentKind {
        /// Curriculum vitae.
        Cv = "CV",
        /// Cover letter.
        CoverLetter = "COVER_LETTER",
        /// References or referees' contacts.
        References = "REFERENCES",
        /// Copies of diplomas.
        Diploma = "DIPLOMA",
        /// A completed online profile on the agency's recruitment site.
        OnlineProfile = "ONLINE_PROFILE",
        /// Anything else the notice names.
        Other = "OTHER",
    }
}

code_enum! {
    /// The list sections of a vacancy notice.
    pub enum ItemSection {
        /// Duties and responsibilities, in order.
        Responsibility = "RESPONSIBILITY",
        /// Experience sought.
        Experience = "EXPERIENCE",
        /// Skills sought.
        Skill = "SKILL",
        /// Conditions of the offer (funding, medical clearance, residency).
        Condition = "CONDITION",
    }
}

code_enum! {
    /// What a signed-in account may do.
    pub enum Role {
        /// Looks for jobs and applies.
        Candidate = "CANDIDATE",
        /// Posts and manages an organisation's vacancies and applications.
        Recruiter = "RECRUITER",
        /// A recruiter who also manages the organisation's profile and accounts.
        AgencyAdmin = "AGENCY_ADMIN",
        /// Runs the platform.
        PlatformAdmin = "PLATFORM_ADMIN",
    }
}

code_enum! {
    /// Where an application is in the hiring pipeline.
    pub enum ApplicationStatus {
        /// Received.
        Submitted = "SUBMITTED",
        /// Being screened by the recruiters.
        Screening = "SCREENING",
        /// On the shortlist.
        Shortlisted = "SHORTLISTED",
        /// Invited to interview.
        Interview = "INTERVIEW",
        /// Offered the post.
        Offered = "OFFERED",
        /// Hired: the decision is final.
        Hired = "HIRED",
        /// Turned down by the recruiters: the decision is final.
        Rejected = "REJECTED",
        /// Taken back by the candidate.
        Withdrawn = "WITHDRAWN",
    }
}

impl ApplicationStatus {
    /// The pipeline's next step, for the statuses that have one.
    fn next(self) -> Option<Self> {
        match self {
            Self::Submitted => Some(Self::Screening),
            Self::Screening => Some(Self::Shortlisted),
            Self::Shortlisted => Some(Self::Interview),
            Self::Interview => Some(Self::Offered),
            Self::Offered => Some(Self::Hired),
            Self::Hired | Self::Rejected | Self::Withdrawn => None,
        }
    }

    /// Whether a decision is still to be made.
    pub fn is_open(self) -> bool {
        self.next().is_some()
    }

    /// Applications move one step along the pipeline, or to rejected or withdrawn while open.
    pub fn can_move_to(self, to: Self) -> bool {
        self.is_open()
            && (self.next() == Some(to) || matches!(to, Self::Rejected | Self::Withdrawn))
    }
}

impl VacancyStatus {
    /// The lifecycle of a notice: a draft is published; a published notice closes (by hand or
    /// at its deadline); anything not yet archived can be cancelled; closed and cancelled
    /// notices are archived. Nothing goes back to draft.
    pub fn can_move_to(self, to: Self) -> bool {
        match to {
            Self::Published => self == Self::Draft,
            Self::Closed => self == Self::Published,
            Self::Cancelled => matches!(self, Self::Draft | Self::Published | Self::Closed),
            Self::Archived => matches!(self, Self::Closed | Self::Cancelled),
            Self::Draft => false,
        }
    }

    /// The verb an audit entry records for a move to this status.
    pub fn audit_action(self) -> &'static str {
        match self {
            Self::Published => "publish",
            Self::Closed => "close",
            Self::Cancelled => "cancel",
            Self::Archived => "archive",
            Self::Draft => "draft",
        }
    }

    /// How an error message says a notice moved to this status.
    pub fn past_tense(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
            Self::Archived => "archived",
            Self::Draft => "made a draft",
        }
    }
}

impl Role {
    /// Staff roles belong to an organisation; candidates and platform admins to none.
    pub fn belongs_to_organisation(self) -> bool {
        matches!(self, Self::Recruiter | Self::AgencyAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for status in VacancyStatus::ALL {
            assert_eq!(VacancyStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(
            ContractType::parse("FIXED_TERM"),
            Some(ContractType::FixedTerm)
        );
        assert_eq!(ContractType::parse("fixed_term"), None);
    }

    #[test]
    fn notices_move_forward_and_never_back_to_draft() {
        use VacancyStatus::*;
        assert!(Draft.can_move_to(Published));
        assert!(Published.can_move_to(Closed));
        assert!(!Draft.can_move_to(Closed));
        assert!(Closed.can_move_to(Archived));
        assert!(!Published.can_move_to(Archived));
        assert!(!Archived.can_move_to(Cancelled));
        for from in VacancyStatus::ALL {
            assert!(!from.can_move_to(Draft), "{from:?}");
        }
    }

    #[test]
    fn applications_move_one_step_at_a_time_until_a_decision() {
        use ApplicationStatus::*;
        assert!(Submitted.can_move_to(Screening));
        assert!(!Submitted.can_move_to(Shortlisted));
        assert!(Offered.can_move_to(Hired));
        assert!(Interview.can_move_to(Rejected));
        assert!(Screening.can_move_to(Withdrawn));
        for done in [Hired, Rejected, Withdrawn] {
            for to in ApplicationStatus::ALL {
                assert!(!done.can_move_to(*to), "{done:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn levels_are_ordered() {
        assert!(LanguageLevel::Excellent > LanguageLevel::Fluent);
        assert!(EducationLevel::Bachelor > EducationLevel::Secondary);
    }

    #[test]
    fn corrupt_code_is_an_internal_error() {
        let error = VacancyStatus::from_db("OPEN").unwrap_err();
        assert_eq!(error.code(), "INTERNAL_SERVER_ERROR");
    }
}

code_enum! {
    /// A change a webhook endpoint can be told about.
    pub enum WebhookEventKind {
        /// A vacancy was published (`vacancy.published`).
        VacancyPublished = "VACANCY_PUBLISHED",
        /// A vacancy was closed (`vacancy.closed`).
        VacancyClosed = "VACANCY_CLOSED",
        /// A vacancy's content changed (`vacancy.updated`).
        VacancyUpdated = "VACANCY_UPDATED",
        /// A candidate applied to a vacancy (`application.submitted`).
        ApplicationSubmitted = "APPLICATION_SUBMITTED",
        /// An application moved in the pipeline (`application.status_changed`).
        ApplicationStatusChanged = "APPLICATION_STATUS_CHANGED",
    }
}

impl WebhookEventKind {
    /// The event's `type` in a delivery's body.
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::VacancyPublished => "vacancy.published",
            Self::VacancyClosed => "vacancy.closed",
            Self::VacancyUpdated => "vacancy.updated",
            Self::ApplicationSubmitted => "application.submitted",
            Self::ApplicationStatusChanged => "application.status_changed",
        }
    }

    /// The kind whose [`Self::wire_name`] is `name`.
    pub fn from_wire_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|kind| kind.wire_name() == name)
    }
}

code_enum! {
    /// Where a queued mail stands.
    pub enum MailStatus {
        /// Queued, or failed for a passing reason and waiting for its next attempt.
        Pending = "PENDING",
        /// Accepted by the mail server.
        Sent = "SENT",
        /// Refused for good (an address that does not exist, a 5xx), or every attempt failed.
        Failed = "FAILED",
    }
}

code_enum! {
    /// When a saved search's new matches are mailed to its owner.
    pub enum AlertFrequency {
        /// Never: the search is only run by hand.
        Off = "OFF",
        /// At most once a day, with every new match since the last mail.
        Daily = "DAILY",
        /// Within minutes of a matching vacancy's publication.
        Instant = "INSTANT",
    }
}

code_enum! {
    /// What a single-use link mailed to an account's owner is for.
    pub enum AccountTokenPurpose {
        VerifyEmail = "VERIFY_EMAIL",
        ResetPassword = "RESET_PASSWORD",
    }
}

code_enum! {
    /// Where an invitation stands.
    pub enum InvitationStatus {
        /// Mailed, waiting for the invitee.
        Pending = "PENDING",
        /// The invitee chose a password: the account exists.
        Accepted = "ACCEPTED",
        /// Withdrawn by an admin.
        Revoked = "REVOKED",
        /// Not accepted in time.
        Expired = "EXPIRED",
    }
}

code_enum! {
    /// Where a webhook delivery stands.
    pub enum WebhookDeliveryStatus {
        /// Queued, or failed and waiting for its next attempt.
        Pending = "PENDING",
        /// The endpoint answered 2xx.
        Delivered = "DELIVERED",
        /// Every attempt failed, for longer than the retry horizon; `replayWebhookDelivery`
        /// queues it again.
        Failed = "FAILED",
    }
}

code_enum! {
    /// How staff accessed an application, in its access log.
    pub enum ApplicationAccessKind {
        /// Its detail was read (`application(id:)` or `node(id:)`).
        Read = "READ",
        /// One of its documents was downloaded (`GET /documents/{id}`).
        DocumentDownload = "DOCUMENT_DOWNLOAD",
        /// It was in a CSV export of its vacancy (`GET /vacancies/{id}/applications.csv`).
        CsvExport = "CSV_EXPORT",
    }
}

code_enum! {
    /// What an integration token may do in its organisation. A token holds the scopes chosen
    /// when it was created, and nothing else.
    pub enum IntegrationScope {
        /// Create, edit, publish and close the organisation's vacancies and projects.
        PostingsWrite = "POSTINGS_WRITE",
        /// Read applications to the organisation's vacancies (with document descriptions, status
        /// history and pipeline counts) and export them as CSV.
        ApplicationsRead = "APPLICATIONS_READ",
        /// Move applications along the pipeline (with `APPLICATIONS_READ`, to see them).
        ApplicationsWrite = "APPLICATIONS_WRITE",
        /// Download application documents (CVs, cover letters) (with `APPLICATIONS_READ`).
        DocumentsRead = "DOCUMENTS_READ",
    }
}
