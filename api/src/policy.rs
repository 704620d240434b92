//! Every permission decision of the API, from DESIGN.md's role table. Services call these before
//! they read or write; nothing else decides who may do what.

use crate::auth::Actor;
use crate::domain::{IntegrationScope, Role, VacancyStatus};
use crate::error::{AppError, AppResult};

/// The vacancy statuses everyone may read.
pub const PUBLIC_VACANCY_STATUSES: [VacancyStatus; 2] =
    [VacancyStatus::Published, VacancyStatus::Closed];

/// Which vacancies a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VacancyReadScope {
    /// Published and closed vacancies only.
    Public,
    /// Public ones, and every vacancy of this organisation (drafts included).
    PublicAndOrganisation(i32),
    /// Everything.
    All,
}

pub fn vacancy_read_scope(actor: &Actor) -> VacancyReadScope {
    match (actor.role(), actor.organisation_id()) {
        (Some(Role::PlatformAdmin), _) => VacancyReadScope::All,
        (Some(Role::Recruiter | Role::AgencyAdmin), Some(org)) => {
            VacancyReadScope::PublicAndOrganisation(org)
        }
        _ => VacancyReadScope::Public,
    }
}

/// Whether the caller may read one vacancy. A vacancy it may not read is reported as not found.
pub fn can_read_vacancy(actor: &Actor, organisation_id: i32, status: VacancyStatus) -> bool {
    match vacancy_read_scope(actor) {
        VacancyReadScope::All => true,
        VacancyReadScope::PublicAndOrganisation(org) if org == organisation_id => true,
        _ => PUBLIC_VACANCY_STATUSES.contains(&status),
    }
}

/// Anything that writes needs a signed-in caller.
pub fn signed_in(actor: &Actor) -> AppResult<Role> {
    actor.role().ok_or(AppError::Unauthenticated)
}

/// The organisation's staff: its recruiters, admins and integration tokens (whatever their
/// scopes), and platform admins.
fn staff_of(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    match signed_in(actor)? {
        Role::PlatformAdmin => Ok(()),
        Role::Recruiter | Role::AgencyAdmin if actor.organisation_id() == Some(organisation_id) => {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
}

/// An integration token may do only what its scopes say; people are not limited by scopes.
fn within_scope(actor: &Actor, scope: IntegrationScope) -> AppResult<()> {
    match actor {
        Actor::Integration { scopes, .. } if !scopes.contains(scope) => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}

/// Create and edit an organisation's vacancies and projects: its staff (tokens with
/// `POSTINGS_WRITE`).
pub fn manage_postings(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    staff_of(actor, organisation_id)?;
    within_scope(actor, IntegrationScope::PostingsWrite)
}

/// Read the applications to an organisation's vacancies (and export them): its staff (tokens
/// with `APPLICATIONS_READ`).
pub fn read_applications(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    staff_of(actor, organisation_id)?;
    within_scope(actor, IntegrationScope::ApplicationsRead)
}

/// [`read_applications`] of one vacancy or application (`what`): not found outside the
/// organisation, `FORBIDDEN` to its tokens without the scope.
pub fn read_applications_object(
    actor: &Actor,
    organisation_id: i32,
    what: &'static str,
) -> AppResult<()> {
    let decision = read_applications(actor, organisation_id);
    hidden_outside(actor, organisation_id, decision, what)
}

/// Move applications to an organisation's vacancies along the pipeline: its staff (tokens with
/// `APPLICATIONS_WRITE`).
pub fn move_applications(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    staff_of(actor, organisation_id)?;
    within_scope(actor, IntegrationScope::ApplicationsWrite)
}

/// Download the documents of an application the caller may read: tokens need
/// `DOCUMENTS_READ` too.
pub fn download_documents(actor: &Actor) -> AppResult<()> {
    within_scope(actor, IntegrationScope::DocumentsRead)
}

/// Edit an organisation's profile and competency framework, manage its accounts and
/// integration tokens, read its audit trail: its admins and platform admins.
pub fn administer_organisation(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    match signed_in(actor)? {
        Role::PlatformAdmin => Ok(()),
        Role::AgencyAdmin
            if actor.account_id().is_some() && actor.organisation_id() == Some(organisation_id) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Register, change and remove an organisation's webhook endpoints, read its delivery log and
/// replay deliveries: its admins (people, not integration tokens) and platform admins.
pub fn manage_webhooks(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    administer_organisation(actor, organisation_id)
}

/// What an organisation keeps to itself (its webhook endpoints and deliveries, integration
/// tokens, staff accounts) does not exist for callers outside it, as `node(id:)` answers: ids
/// are sequential, so `FORBIDDEN` would tell which belong to someone. The organisation's own
/// people who lack the right still get `FORBIDDEN`.
fn hidden_outside(
    actor: &Actor,
    organisation_id: i32,
    decision: AppResult<()>,
    what: &'static str,
) -> AppResult<()> {
    match decision {
        Err(AppError::Forbidden) if actor.organisation_id() != Some(organisation_id) => {
            Err(AppError::NotFound(what))
        }
        decision => decision,
    }
}

/// [`manage_webhooks`] for one endpoint or delivery (`what`) of the organisation: not found
/// outside it.
pub fn manage_webhook_object(
    actor: &Actor,
    organisation_id: i32,
    what: &'static str,
) -> AppResult<()> {
    let decision = manage_webhooks(actor, organisation_id);
    hidden_outside(actor, organisation_id, decision, what)
}

/// [`administer_organisation`] for one object (`what`) the organisation keeps to itself, such
/// as an integration token: not found outside it.
pub fn administer_organisation_object(
    actor: &Actor,
    organisation_id: i32,
    what: &'static str,
) -> AppResult<()> {
    let decision = administer_organisation(actor, organisation_id);
    hidden_outside(actor, organisation_id, decision, what)
}

/// Deactivate an account: [`administer_owner`], and to callers who may not read the account
/// ([`can_read_account`]) it is not found.
pub fn deactivate_account(
    actor: &Actor,
    account_id: i32,
    organisation_id: Option<i32>,
) -> AppResult<()> {
    let decision = administer_owner(actor, organisation_id);
    match decision {
        Err(AppError::Forbidden) if !can_read_account(actor, account_id, organisation_id) => {
            Err(AppError::NotFound("account"))
        }
        decision => decision,
    }
}

/// Create organisations, edit global competencies, read the whole audit trail.
pub fn administer_platform(actor: &Actor) -> AppResult<()> {
    match signed_in(actor)? {
        Role::PlatformAdmin => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// Create an account of `role` in `organisation_id`: agency admins create recruiters and
/// admins of their own organisation; platform admins create any account.
pub fn create_account(actor: &Actor, organisation_id: Option<i32>, role: Role) -> AppResult<()> {
    match (signed_in(actor)?, organisation_id, role) {
        (Role::PlatformAdmin, _, _) => Ok(()),
        (Role::AgencyAdmin, Some(org), Role::Recruiter | Role::AgencyAdmin) => {
            administer_organisation(actor, org)
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Whether the caller is staff of the organisation (its recruiters, admins and integration
/// tokens, whatever their scopes, and platform admins).
pub fn is_staff_of(actor: &Actor, organisation_id: i32) -> bool {
    staff_of(actor, organisation_id).is_ok()
}

/// Apply, withdraw and list one's own applications: signed-in candidates only. Returns the
/// candidate's account.
pub fn act_as_candidate(actor: &Actor) -> AppResult<i32> {
    match (signed_in(actor)?, actor.account_id()) {
        (Role::Candidate, Some(id)) => Ok(id),
        _ => Err(AppError::Forbidden),
    }
}

/// Apply (and so send a CV): signed-in candidates whose e-mail address is proven, so that an
/// agency can reach whoever applies and nobody applies in another person's name. Returns the
/// candidate's account.
pub fn apply_as_candidate(actor: &Actor) -> AppResult<i32> {
    let candidate = act_as_candidate(actor)?;
    match actor {
        Actor::Account {
            email_verified: true,
            ..
        } => Ok(candidate),
        _ => Err(AppError::EmailNotVerified),
    }
}

/// Manage one's own account (password, sessions, notification preferences): a person signed
/// in, not an integration token. Returns the account.
pub fn manage_own_account(actor: &Actor) -> AppResult<i32> {
    signed_in(actor)?;
    actor.account_id().ok_or(AppError::Forbidden)
}

/// Read the mail outbox (recipients, subjects, failures): platform admins only.
pub fn read_mail_outbox(actor: &Actor) -> AppResult<()> {
    administer_platform(actor)
}

/// Invite someone to an organisation's staff with `role`, and list or revoke its invitations:
/// the organisation's admins invite recruiters and admins; platform admins anyone, platform
/// admins (of no organisation) included.
pub fn invite(actor: &Actor, organisation_id: Option<i32>, role: Role) -> AppResult<()> {
    match (role.belongs_to_organisation(), organisation_id) {
        (true, Some(_)) | (false, None) => {}
        _ => return Err(AppError::Forbidden),
    }
    if role == Role::Candidate {
        return Err(AppError::Forbidden);
    }
    create_account(actor, organisation_id, role)
}

/// The organisation a new notice is posted for: staff post for their own organisation (or the
/// one they name, if they are its staff); platform admins for the one they name.
pub fn posting_organisation(actor: &Actor, requested: Option<i32>) -> AppResult<i32> {
    if !matches!(
        signed_in(actor)?,
        Role::Recruiter | Role::AgencyAdmin | Role::PlatformAdmin
    ) {
        return Err(AppError::Forbidden);
    }
    let organisation = requested
        .or_else(|| actor.organisation_id())
        .ok_or_else(|| {
            AppError::bad_input(
                "input.organisationId",
                "say which organisation posts the notice",
            )
        })?;
    manage_postings(actor, organisation)?;
    Ok(organisation)
}

/// Whether the caller may read an application: its candidate, or the staff of the organisation
/// that posted its vacancy ([`read_applications`]). To anyone else it does not exist.
pub fn can_read_application(actor: &Actor, candidate_id: i32, posting_organisation: i32) -> bool {
    actor.account_id() == Some(candidate_id)
        || read_applications(actor, posting_organisation).is_ok()
}

/// Whether the caller may read what staff write about applications to an organisation's
/// vacancies (notes on status changes, pipeline counts): its staff only
/// ([`read_applications`]), never the candidate.
pub fn can_read_staff_notes(actor: &Actor, posting_organisation: i32) -> bool {
    read_applications(actor, posting_organisation).is_ok()
}

/// Whether the caller may see who moved an application: the posting organisation's staff
/// ([`read_applications`]), and the person who made the move (a candidate withdrawing).
pub fn can_see_who_moved(actor: &Actor, mover_account_id: i32, posting_organisation: i32) -> bool {
    actor.account_id() == Some(mover_account_id)
        || read_applications(actor, posting_organisation).is_ok()
}

/// Whether the caller may read an account: its owner, the admins of its organisation, and
/// platform admins (who alone see accounts without an organisation).
pub fn can_read_account(actor: &Actor, account_id: i32, organisation_id: Option<i32>) -> bool {
    actor.account_id() == Some(account_id) || administer_owner(actor, organisation_id).is_ok()
}

/// Change what an organisation owns (an account, a competency): its admins; what belongs to no
/// organisation, platform admins.
pub fn administer_owner(actor: &Actor, organisation_id: Option<i32>) -> AppResult<()> {
    match organisation_id {
        Some(org) => administer_organisation(actor, org),
        None => administer_platform(actor),
    }
}

/// Which organisations' records (audit trail, webhook deliveries) a caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationScope {
    /// Every organisation's.
    All,
    /// This organisation's only.
    Organisation(i32),
}

/// The scope of an organisation's records for a caller who may read them by `allowed`: the
/// organisation asked for, if allowed; with none asked, everything for platform admins and
/// the caller's own organisation for others.
fn organisation_scope(
    actor: &Actor,
    requested: Option<i32>,
    allowed: fn(&Actor, i32) -> AppResult<()>,
) -> AppResult<OrganisationScope> {
    if let Some(org) = requested {
        allowed(actor, org)?;
        return Ok(OrganisationScope::Organisation(org));
    }
    match administer_platform(actor) {
        Ok(()) => Ok(OrganisationScope::All),
        Err(AppError::Forbidden) => {
            let own = actor.organisation_id().ok_or(AppError::Forbidden)?;
            allowed(actor, own)?;
            Ok(OrganisationScope::Organisation(own))
        }
        Err(error) => Err(error),
    }
}

/// Whose audit trail the caller reads: see [`administer_organisation`].
pub fn audit_scope(actor: &Actor, requested: Option<i32>) -> AppResult<OrganisationScope> {
    organisation_scope(actor, requested, administer_organisation)
}

/// Whose webhook deliveries the caller reads: see [`manage_webhooks`].
pub fn webhook_scope(actor: &Actor, requested: Option<i32>) -> AppResult<OrganisationScope> {
    organisation_scope(actor, requested, manage_webhooks)
}

/// Whether a partnership the caller lists on a project stands at once: when the caller is staff
/// of the partner organisation (its own people may say it takes part). Otherwise it is proposed
/// until the partner's admins accept it.
pub fn partnership_stands(actor: &Actor, partner_organisation: i32) -> bool {
    is_staff_of(actor, partner_organisation)
}

/// Accept a partnership proposed to an organisation: its admins and platform admins.
pub fn accept_partnership(actor: &Actor, partner_organisation: i32) -> AppResult<()> {
    administer_organisation(actor, partner_organisation)
}

/// Whether the caller sees a partnership: everyone once accepted; while proposed, the staff of
/// the lead organisation and of the partner.
pub fn can_see_partnership(
    actor: &Actor,
    accepted: bool,
    lead_organisation: i32,
    partner_organisation: i32,
) -> bool {
    accepted || is_staff_of(actor, lead_organisation) || is_staff_of(actor, partner_organisation)
}

/// Saved searches belong to a person: any signed-in account (candidate, staff or admin) keeps
/// its own; integration tokens have none. Returns the owning account.
pub fn keep_saved_searches(actor: &Actor) -> AppResult<i32> {
    signed_in(actor)?;
    actor.account_id().ok_or(AppError::Forbidden)
}

/// Whether the caller may read or change a saved search: only its owner. Anyone else's is
/// reported as not found.
pub fn can_use_saved_search(actor: &Actor, owner_account_id: i32) -> bool {
    actor.account_id() == Some(owner_account_id)
}

/// Read the access log of an organisation's applications (who read, downloaded or exported
/// them): its admins and platform admins, like its audit trail. Recruiters and integration
/// tokens, who are what the log watches, may not.
pub fn read_access_log(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    administer_organisation(actor, organisation_id)
}

/// Whether reading an application of `candidate_id` goes into its access log: every reader
/// but the candidate, who reads their own.
pub fn access_is_logged(actor: &Actor, candidate_id: i32) -> bool {
    actor.account_id() != Some(candidate_id)
}

/// Download everything the system holds on oneself (`myData`, `GET /me/data.json`): a person
/// signed in, not an integration token. Returns the account.
pub fn read_own_data(actor: &Actor) -> AppResult<i32> {
    manage_own_account(actor)
}

/// Erase one's own account: candidates (staff accounts are deactivated by their admins, since
/// their names are on the decisions they took). Returns the account.
pub fn erase_own_account(actor: &Actor) -> AppResult<i32> {
    act_as_candidate(actor)
}

/// Erase a person on request, and put accounts under legal hold or release them: platform
/// admins only (an agency sees its own candidates, but the person is the platform's to erase).
pub fn erase_person(actor: &Actor) -> AppResult<()> {
    administer_platform(actor)
}

/// Keep a candidate profile (`myProfile`, `updateMyProfile`): signed-in candidates only; staff
/// apply for nothing, so they keep none. Returns the candidate's account.
pub fn keep_candidate_profile(actor: &Actor) -> AppResult<i32> {
    act_as_candidate(actor)
}

/// Screen vacancies against one's own profile (`eligibleForMe`, `Vacancy.eligibility`):
/// signed-in candidates only. Returns the candidate's account.
pub fn screen_for_me(actor: &Actor) -> AppResult<i32> {
    act_as_candidate(actor)
}

/// Whether the caller may see why an account is held from erasure: platform admins only.
pub fn can_see_legal_hold(actor: &Actor) -> bool {
    erase_person(actor).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token of organisation 1 with these scopes.
    fn token(scopes: &[IntegrationScope]) -> Actor {
        Actor::Integration {
            token_id: 3,
            organisation_id: 1,
            scopes: scopes.iter().copied().collect(),
        }
    }

    fn account(role: Role, org: Option<i32>) -> Actor {
        Actor::Account {
            id: 1,
            role,
            organisation_id: org,
            session_id: None,
            email_verified: true,
        }
    }

    #[test]
    fn only_verified_candidates_apply() {
        assert_eq!(
            apply_as_candidate(&account(Role::Candidate, None)).unwrap(),
            1
        );
        let unverified = Actor::Account {
            id: 2,
            role: Role::Candidate,
            organisation_id: None,
            session_id: Some(3),
            email_verified: false,
        };
        assert!(matches!(
            apply_as_candidate(&unverified),
            Err(AppError::EmailNotVerified)
        ));
        assert!(act_as_candidate(&unverified).is_ok());
        assert!(apply_as_candidate(&account(Role::Recruiter, Some(1))).is_err());
        assert!(apply_as_candidate(&Actor::Anonymous).is_err());
    }

    #[test]
    fn admins_invite_their_own_staff_and_platform_admins_anyone() {
        let admin = account(Role::AgencyAdmin, Some(1));
        assert!(invite(&admin, Some(1), Role::Recruiter).is_ok());
        assert!(invite(&admin, Some(1), Role::AgencyAdmin).is_ok());
        assert!(invite(&admin, Some(2), Role::Recruiter).is_err());
        assert!(invite(&admin, None, Role::PlatformAdmin).is_err());
        assert!(invite(&account(Role::Recruiter, Some(1)), Some(1), Role::Recruiter).is_err());
        let platform = account(Role::PlatformAdmin, None);
        assert!(invite(&platform, Some(2), Role::AgencyAdmin).is_ok());
        assert!(invite(&platform, None, Role::PlatformAdmin).is_ok());
        assert!(invite(&platform, None, Role::Candidate).is_err());
        assert!(invite(&platform, None, Role::Recruiter).is_err());
        assert!(invite(&Actor::Anonymous, Some(1), Role::Recruiter).is_err());
    }

    #[test]
    fn only_platform_admins_read_the_outbox() {
        assert!(read_mail_outbox(&account(Role::PlatformAdmin, None)).is_ok());
        assert!(read_mail_outbox(&account(Role::AgencyAdmin, Some(1))).is_err());
        assert!(read_mail_outbox(&Actor::Anonymous).is_err());
    }

    #[test]
    fn anonymous_reads_published_and_closed_only() {
        for status in VacancyStatus::ALL {
            let expected = matches!(status, VacancyStatus::Published | VacancyStatus::Closed);
            assert_eq!(
                can_read_vacancy(&Actor::Anonymous, 1, *status),
                expected,
                "{status:?}"
            );
        }
    }

    #[test]
    fn recruiters_read_their_own_drafts_but_not_others() {
        let recruiter = account(Role::Recruiter, Some(1));
        assert!(can_read_vacancy(&recruiter, 1, VacancyStatus::Draft));
        assert!(!can_read_vacancy(&recruiter, 2, VacancyStatus::Draft));
    }

    #[test]
    fn postings_are_managed_by_their_own_organisation() {
        let token = token(IntegrationScope::ALL);
        assert!(manage_postings(&token, 1).is_ok());
        assert_eq!(manage_postings(&token, 2).unwrap_err().code(), "FORBIDDEN");
        assert!(manage_postings(&account(Role::Recruiter, Some(1)), 1).is_ok());
        assert!(manage_postings(&account(Role::PlatformAdmin, None), 2).is_ok());
        assert_eq!(
            manage_postings(&account(Role::Candidate, None), 1)
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
        assert_eq!(
            manage_postings(&Actor::Anonymous, 1).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn a_token_does_only_what_its_scopes_say() {
        use IntegrationScope::{ApplicationsRead, ApplicationsWrite, DocumentsRead, PostingsWrite};
        let postings = token(&[PostingsWrite]);
        assert!(manage_postings(&postings, 1).is_ok());
        assert_eq!(posting_organisation(&postings, None).unwrap(), 1);
        assert_eq!(
            read_applications(&postings, 1).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert_eq!(
            move_applications(&postings, 1).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert_eq!(
            download_documents(&postings).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert!(!can_read_application(&postings, 2, 1));
        assert!(!can_read_staff_notes(&postings, 1));
        assert!(!can_see_who_moved(&postings, 2, 1));
        // Still staff: it sees its organisation's drafts and proposed partnerships.
        assert!(is_staff_of(&postings, 1));
        assert!(can_read_vacancy(&postings, 1, VacancyStatus::Draft));

        let reader = token(&[ApplicationsRead]);
        assert!(read_applications(&reader, 1).is_ok());
        assert!(can_read_application(&reader, 2, 1));
        assert!(can_read_staff_notes(&reader, 1));
        assert!(!can_read_application(&reader, 2, 2));
        assert_eq!(manage_postings(&reader, 1).unwrap_err().code(), "FORBIDDEN");
        assert_eq!(
            posting_organisation(&reader, None).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert_eq!(
            move_applications(&reader, 1).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert_eq!(download_documents(&reader).unwrap_err().code(), "FORBIDDEN");

        let mover = token(&[ApplicationsWrite]);
        assert!(move_applications(&mover, 1).is_ok());
        assert_eq!(
            move_applications(&mover, 2).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert_eq!(
            read_applications(&mover, 1).unwrap_err().code(),
            "FORBIDDEN"
        );

        let documents = token(&[DocumentsRead]);
        assert!(download_documents(&documents).is_ok());
        assert_eq!(
            read_applications(&documents, 1).unwrap_err().code(),
            "FORBIDDEN"
        );

        // People are not limited by scopes.
        let recruiter = account(Role::Recruiter, Some(1));
        assert!(read_applications(&recruiter, 1).is_ok());
        assert!(move_applications(&recruiter, 1).is_ok());
        assert!(download_documents(&recruiter).is_ok());
        assert!(download_documents(&account(Role::Candidate, None)).is_ok());
        // No scope opens another organisation, or administration.
        let all = token(IntegrationScope::ALL);
        assert_eq!(read_applications(&all, 2).unwrap_err().code(), "FORBIDDEN");
        assert!(administer_organisation(&all, 1).is_err());
        assert!(manage_webhooks(&all, 1).is_err());
    }

    #[test]
    fn a_token_without_the_scope_is_refused_and_outsiders_find_nothing() {
        let postings = token(&[IntegrationScope::PostingsWrite]);
        assert_eq!(
            read_applications_object(&postings, 1, "vacancy")
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
        assert!(read_applications_object(
            &token(&[IntegrationScope::ApplicationsRead]),
            1,
            "vacancy"
        )
        .is_ok());
        assert!(read_applications_object(&account(Role::Recruiter, Some(1)), 1, "x").is_ok());
        assert_eq!(
            read_applications_object(&account(Role::Recruiter, Some(2)), 1, "x")
                .unwrap_err()
                .code(),
            "NOT_FOUND"
        );
        assert_eq!(
            read_applications_object(&account(Role::Candidate, None), 1, "x")
                .unwrap_err()
                .code(),
            "NOT_FOUND"
        );
    }

    #[test]
    fn only_admins_administer_and_tokens_never_do() {
        assert!(administer_organisation(&account(Role::AgencyAdmin, Some(1)), 1).is_ok());
        assert!(administer_organisation(&account(Role::AgencyAdmin, Some(1)), 2).is_err());
        assert!(administer_organisation(&account(Role::Recruiter, Some(1)), 1).is_err());
        let token = token(IntegrationScope::ALL);
        assert!(administer_organisation(&token, 1).is_err());
    }

    #[test]
    fn webhooks_are_managed_by_the_organisations_admins_only() {
        assert!(manage_webhooks(&account(Role::AgencyAdmin, Some(1)), 1).is_ok());
        assert!(manage_webhooks(&account(Role::PlatformAdmin, None), 1).is_ok());
        for refused in [
            account(Role::AgencyAdmin, Some(2)),
            account(Role::Recruiter, Some(1)),
            account(Role::Candidate, None),
            token(IntegrationScope::ALL),
        ] {
            assert_eq!(
                manage_webhooks(&refused, 1).unwrap_err().code(),
                "FORBIDDEN",
                "{refused:?}"
            );
        }
        assert_eq!(
            manage_webhooks(&Actor::Anonymous, 1).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn another_organisations_objects_are_not_found_and_ones_own_forbidden() {
        let ilo_admin = account(Role::AgencyAdmin, Some(2));
        let iom_recruiter = account(Role::Recruiter, Some(1));
        let candidate = account(Role::Candidate, None);
        let token = token(IntegrationScope::ALL);
        assert!(manage_webhook_object(&account(Role::AgencyAdmin, Some(1)), 1, "x").is_ok());
        assert!(manage_webhook_object(&account(Role::PlatformAdmin, None), 1, "x").is_ok());
        for (actor, code) in [
            (&ilo_admin, "NOT_FOUND"),
            (&candidate, "NOT_FOUND"),
            (&iom_recruiter, "FORBIDDEN"),
            (&token, "FORBIDDEN"),
            (&Actor::Anonymous, "UNAUTHENTICATED"),
        ] {
            assert_eq!(
                manage_webhook_object(actor, 1, "x").unwrap_err().code(),
                code,
                "{actor:?}"
            );
            assert_eq!(
                administer_organisation_object(actor, 1, "x")
                    .unwrap_err()
                    .code(),
                code,
                "{actor:?}"
            );
        }
        // Accounts: a colleague's account is hidden from a recruiter, one's own is not.
        assert!(deactivate_account(&account(Role::AgencyAdmin, Some(1)), 2, Some(1)).is_ok());
        assert_eq!(
            deactivate_account(&ilo_admin, 2, Some(1))
                .unwrap_err()
                .code(),
            "NOT_FOUND"
        );
        assert_eq!(
            deactivate_account(&iom_recruiter, 2, Some(1))
                .unwrap_err()
                .code(),
            "NOT_FOUND"
        );
        assert_eq!(
            deactivate_account(&iom_recruiter, 1, Some(1))
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
    }

    #[test]
    fn agency_admins_create_staff_of_their_own_organisation_only() {
        let admin = account(Role::AgencyAdmin, Some(1));
        assert!(create_account(&admin, Some(1), Role::Recruiter).is_ok());
        assert!(create_account(&admin, Some(1), Role::AgencyAdmin).is_ok());
        assert!(create_account(&admin, Some(2), Role::Recruiter).is_err());
        assert!(create_account(&admin, None, Role::PlatformAdmin).is_err());
        assert!(create_account(
            &account(Role::PlatformAdmin, None),
            Some(2),
            Role::AgencyAdmin
        )
        .is_ok());
    }

    #[test]
    fn saved_searches_are_their_owners_alone() {
        let candidate = account(Role::Candidate, None);
        assert_eq!(keep_saved_searches(&candidate).unwrap(), 1);
        assert!(keep_saved_searches(&account(Role::Recruiter, Some(1))).is_ok());
        let token = token(IntegrationScope::ALL);
        assert_eq!(keep_saved_searches(&token).unwrap_err().code(), "FORBIDDEN");
        assert_eq!(
            keep_saved_searches(&Actor::Anonymous).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
        assert!(can_use_saved_search(&candidate, 1));
        assert!(!can_use_saved_search(&candidate, 2));
        assert!(!can_use_saved_search(
            &account(Role::PlatformAdmin, None),
            2
        ));
    }

    #[test]
    fn only_candidates_act_as_candidates() {
        assert_eq!(
            act_as_candidate(&account(Role::Candidate, None)).unwrap(),
            1
        );
        assert_eq!(
            act_as_candidate(&account(Role::Recruiter, Some(1)))
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
        assert_eq!(
            act_as_candidate(&Actor::Anonymous).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn staff_post_for_their_own_organisation_and_candidates_never() {
        assert_eq!(
            posting_organisation(&account(Role::Recruiter, Some(1)), None).unwrap(),
            1
        );
        assert_eq!(
            posting_organisation(&account(Role::Recruiter, Some(1)), Some(2))
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
        assert_eq!(
            posting_organisation(&account(Role::PlatformAdmin, None), Some(2)).unwrap(),
            2
        );
        assert_eq!(
            posting_organisation(&account(Role::PlatformAdmin, None), None)
                .unwrap_err()
                .code(),
            "BAD_USER_INPUT"
        );
        assert_eq!(
            posting_organisation(&account(Role::Candidate, None), Some(1))
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
    }

    #[test]
    fn applications_are_read_by_their_candidate_and_the_posting_staff() {
        let candidate = account(Role::Candidate, None);
        assert!(can_read_application(&candidate, 1, 7));
        assert!(!can_read_application(&candidate, 2, 7));
        assert!(can_read_application(
            &account(Role::Recruiter, Some(7)),
            2,
            7
        ));
        assert!(!can_read_application(
            &account(Role::Recruiter, Some(8)),
            2,
            7
        ));
        assert!(!can_read_staff_notes(&candidate, 7));
        assert!(can_read_staff_notes(&account(Role::Recruiter, Some(7)), 7));
        assert!(can_see_who_moved(&candidate, 1, 7));
        assert!(!can_see_who_moved(&candidate, 5, 7));
    }

    #[test]
    fn accounts_are_read_by_their_owner_and_their_admins() {
        let recruiter = account(Role::Recruiter, Some(1));
        assert!(can_read_account(&recruiter, 1, Some(1)));
        assert!(!can_read_account(&recruiter, 2, Some(1)));
        assert!(can_read_account(
            &account(Role::AgencyAdmin, Some(1)),
            2,
            Some(1)
        ));
        assert!(!can_read_account(
            &account(Role::AgencyAdmin, Some(1)),
            2,
            None
        ));
        assert!(can_read_account(
            &account(Role::PlatformAdmin, None),
            2,
            None
        ));
    }

    #[test]
    fn records_are_scoped_to_the_callers_organisation_unless_platform() {
        let admin = account(Role::AgencyAdmin, Some(1));
        assert_eq!(
            audit_scope(&admin, None).unwrap(),
            OrganisationScope::Organisation(1)
        );
        assert_eq!(
            audit_scope(&admin, Some(2)).unwrap_err().code(),
            "FORBIDDEN"
        );
        assert_eq!(
            audit_scope(&account(Role::PlatformAdmin, None), None).unwrap(),
            OrganisationScope::All
        );
        assert_eq!(
            webhook_scope(&account(Role::Recruiter, Some(1)), None)
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
        assert_eq!(
            webhook_scope(&Actor::Anonymous, None).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn a_partnership_is_proposed_until_the_partners_admins_accept_it() {
        let iom_recruiter = account(Role::Recruiter, Some(1));
        assert!(partnership_stands(&iom_recruiter, 1));
        assert!(!partnership_stands(&iom_recruiter, 2));
        assert!(accept_partnership(&account(Role::AgencyAdmin, Some(2)), 2).is_ok());
        assert_eq!(
            accept_partnership(&account(Role::Recruiter, Some(2)), 2)
                .unwrap_err()
                .code(),
            "FORBIDDEN"
        );
        assert!(!can_see_partnership(&Actor::Anonymous, false, 1, 2));
        assert!(can_see_partnership(&Actor::Anonymous, true, 1, 2));
        assert!(can_see_partnership(&iom_recruiter, false, 1, 2));
        assert!(can_see_partnership(
            &account(Role::Recruiter, Some(2)),
            false,
            1,
            2
        ));
        assert!(!can_see_partnership(
            &account(Role::Recruiter, Some(3)),
            false,
            1,
            2
        ));
    }

    #[test]
    fn organisation_admins_read_their_access_log_and_the_watched_do_not() {
        assert!(read_access_log(&account(Role::AgencyAdmin, Some(1)), 1).is_ok());
        assert!(read_access_log(&account(Role::PlatformAdmin, None), 1).is_ok());
        for refused in [
            account(Role::Recruiter, Some(1)),
            account(Role::AgencyAdmin, Some(2)),
            account(Role::Candidate, None),
            token(IntegrationScope::ALL),
        ] {
            assert_eq!(
                read_access_log(&refused, 1).unwrap_err().code(),
                "FORBIDDEN"
            );
        }
        assert_eq!(
            read_access_log(&Actor::Anonymous, 1).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
    }

    #[test]
    fn staff_reads_are_logged_and_the_candidates_own_are_not() {
        assert!(!access_is_logged(&account(Role::Candidate, None), 1));
        assert!(access_is_logged(&account(Role::Recruiter, Some(1)), 2));
        assert!(access_is_logged(&token(IntegrationScope::ALL), 1));
    }

    #[test]
    fn people_download_their_own_data_and_tokens_do_not() {
        assert_eq!(read_own_data(&account(Role::Candidate, None)).unwrap(), 1);
        assert_eq!(
            read_own_data(&account(Role::Recruiter, Some(1))).unwrap(),
            1
        );
        assert_eq!(
            read_own_data(&Actor::Anonymous).unwrap_err().code(),
            "UNAUTHENTICATED"
        );
        let token = token(IntegrationScope::ALL);
        assert_eq!(read_own_data(&token).unwrap_err().code(), "FORBIDDEN");
    }

    #[test]
    fn candidates_erase_themselves_and_platform_admins_anyone() {
        assert_eq!(
            erase_own_account(&account(Role::Candidate, None)).unwrap(),
            1
        );
        assert!(erase_own_account(&account(Role::Recruiter, Some(1))).is_err());
        assert!(erase_own_account(&Actor::Anonymous).is_err());
        assert!(erase_person(&account(Role::PlatformAdmin, None)).is_ok());
        assert!(matches!(
            erase_person(&account(Role::AgencyAdmin, Some(1))),
            Err(AppError::Forbidden)
        ));
        assert!(erase_person(&account(Role::Candidate, None)).is_err());
        assert!(erase_person(&Actor::Anonymous).is_err());
        assert!(can_see_legal_hold(&account(Role::PlatformAdmin, None)));
        assert!(!can_see_legal_hold(&account(Role::AgencyAdmin, Some(1))));
    }
}
