//! Every permission decision of the API, from DESIGN.md's role table.

use crate::auth::Actor;
use crate::domain::{Role, VacancyStatus};

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
    match actor {
        Actor::Anonymous => VacancyReadScope::Public,
        Actor::Account {
            role,
            organisation_id,
            ..
        } => match (role, organisation_id) {
            (Role::PlatformAdmin, _) => VacancyReadScope::All,
            (Role::Recruiter | Role::AgencyAdmin, Some(org)) => {
                VacancyReadScope::PublicAndOrganisation(*org)
            }
            _ => VacancyReadScope::Public,
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn recruiter(org: i32) -> Actor {
        Actor::Account {
            id: 1,
            role: Role::Recruiter,
            organisation_id: Some(org),
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
        assert!(can_read_vacancy(&recruiter(1), 1, VacancyStatus::Draft));
        assert!(!can_read_vacancy(&recruiter(2), 1, VacancyStatus::Draft));
    }
}
