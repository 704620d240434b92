//! Every permission decision of the API, from DESIGN.md's role table. Services call these before
//! they read or write; nothing else decides who may do what.

use crate::auth::Actor;
use crate::domain::{Role, VacancyStatus};
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

/// Create and edit an organisation's vacancies and projects: its recruiters, admins and
/// integration tokens, and platform admins.
pub fn manage_postings(actor: &Actor, organisation_id: i32) -> AppResult<()> {
    match signed_in(actor)? {
        Role::PlatformAdmin => Ok(()),
        Role::Recruiter | Role::AgencyAdmin if actor.organisation_id() == Some(organisation_id) => {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role, org: Option<i32>) -> Actor {
        Actor::Account {
            id: 1,
            role,
            organisation_id: org,
        }
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
        let token = Actor::Integration {
            token_id: 3,
            organisation_id: 1,
        };
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
    fn only_admins_administer_and_tokens_never_do() {
        assert!(administer_organisation(&account(Role::AgencyAdmin, Some(1)), 1).is_ok());
        assert!(administer_organisation(&account(Role::AgencyAdmin, Some(1)), 2).is_err());
        assert!(administer_organisation(&account(Role::Recruiter, Some(1)), 1).is_err());
        let token = Actor::Integration {
            token_id: 3,
            organisation_id: 1,
        };
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
            Actor::Integration {
                token_id: 3,
                organisation_id: 1,
            },
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
        let token = Actor::Integration {
            token_id: 3,
            organisation_id: 1,
        };
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
}
