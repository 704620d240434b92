//! Facets of a vacancy list: how many vacancies each value of a field would leave.
//!
//! Each facet applies every active filter but its own (the usual faceted-search rule), so the
//! counts next to an already chosen value show what choosing another instead would give. They
//! are aggregated in SQL from the list's match set (see `listing`), as one JSON array.

use sea_orm::DbBackend;

use crate::error::{AppError, AppResult};
use crate::service::vacancy::VacancyFilter;

/// One value of a facet and how many vacancies have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket<V> {
    pub value: V,
    pub count: i64,
}

/// The facets of a list that were asked for (the others are left empty). Single-valued fields
/// (all but countries and duty stations) have a `None` bucket for vacancies without a value, so
/// their counts add up to the list's total.
#[derive(Debug, Clone, Default)]
pub struct VacancyFacets {
    pub organisations: Vec<Bucket<i32>>,
    pub projects: Vec<Bucket<Option<i32>>>,
    pub countries: Vec<Bucket<String>>,
    /// City (none for a station that is a whole country) and country.
    pub duty_stations: Vec<Bucket<(Option<String>, String)>>,
    pub grade_categories: Vec<Bucket<Option<String>>>,
    pub grades: Vec<Bucket<Option<String>>>,
    pub contract_types: Vec<Bucket<Option<String>>>,
    pub open_to_internal: Vec<Bucket<bool>>,
    pub open_to_external: Vec<Bucket<bool>>,
}

/// One facet of the vacancy list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Facet {
    Organisations,
    Projects,
    Countries,
    DutyStations,
    GradeCategories,
    Grades,
    ContractTypes,
    OpenToInternal,
    OpenToExternal,
}

impl Facet {
    pub const ALL: [Facet; 9] = [
        Self::Organisations,
        Self::Projects,
        Self::Countries,
        Self::DutyStations,
        Self::GradeCategories,
        Self::Grades,
        Self::ContractTypes,
        Self::OpenToInternal,
        Self::OpenToExternal,
    ];

    /// Its name in SQL (the facet column of its rows, and the flag of its own selection).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Organisations => "organisation",
            Self::Projects => "project",
            Self::Countries => "country",
            Self::DutyStations => "station",
            Self::GradeCategories => "grade_category",
            Self::Grades => "grade",
            Self::ContractTypes => "contract_type",
            Self::OpenToInternal => "open_to_internal",
            Self::OpenToExternal => "open_to_external",
        }
    }

    /// Takes the facet's own filter off `filter`.
    pub fn clear(self, filter: &mut VacancyFilter) {
        match self {
            Self::Organisations => {
                filter.organisation_id = None;
                filter.organisation_acronym = None;
            }
            Self::Projects => {
                filter.project_id = None;
                filter.project_code = None;
            }
            Self::Countries => filter.country = None,
            Self::DutyStations => filter.city = None,
            Self::GradeCategories => filter.grade_category = None,
            Self::Grades => filter.grade = None,
            Self::ContractTypes => filter.contract_type = None,
            Self::OpenToInternal => filter.open_to_internal = None,
            Self::OpenToExternal => filter.open_to_external = None,
        }
    }

    /// `filter` without the facet's own filter, if it has one.
    pub fn without_own(self, filter: &VacancyFilter) -> Option<VacancyFilter> {
        let mut cleared = filter.clone();
        self.clear(&mut cleared);
        (cleared != *filter).then_some(cleared)
    }

    /// Its rows (facet, value as text in two parts, count) over `source`, a relation of matching
    /// vacancies' facet columns (`id`, `organisation_id`, `project_id`, …).
    pub fn sql(self, source: &str) -> String {
        let column = |column: &str| {
            format!(
                "SELECT '{tag}' AS facet, CAST(s.{column} AS TEXT) AS v1, CAST(NULL AS TEXT) AS v2, \
                 COUNT(*) AS n FROM {source} s GROUP BY s.{column}",
                tag = self.tag()
            )
        };
        match self {
            Self::Organisations => column("organisation_id"),
            Self::GradeCategories => column("grade_category"),
            Self::Grades => column("grade"),
            Self::ContractTypes => column("contract_type"),
            Self::OpenToInternal => column("open_to_internal"),
            Self::OpenToExternal => column("open_to_external"),
            Self::Projects => format!(
                "SELECT 'project' AS facet, CAST(p.project_id AS TEXT) AS v1, \
                 CAST(NULL AS TEXT) AS v2, COUNT(*) AS n \
                 FROM (SELECT s.project_id FROM {source} s UNION ALL SELECT l.project_id \
                 FROM vacancy_project l JOIN {source} s ON s.id = l.vacancy_id) p \
                 GROUP BY p.project_id"
            ),
            Self::Countries => format!(
                "SELECT 'country' AS facet, CAST(d.country_code AS TEXT) AS v1, \
                 CAST(NULL AS TEXT) AS v2, COUNT(DISTINCT d.vacancy_id) AS n \
                 FROM vacancy_duty_station d JOIN {source} s ON s.id = d.vacancy_id \
                 GROUP BY d.country_code"
            ),
            Self::DutyStations => format!(
                "SELECT 'station' AS facet, CAST(d.city AS TEXT) AS v1, \
                 CAST(d.country_code AS TEXT) AS v2, COUNT(DISTINCT d.vacancy_id) AS n \
                 FROM vacancy_duty_station d JOIN {source} s ON s.id = d.vacancy_id \
                 GROUP BY d.city, d.country_code"
            ),
        }
    }
}

/// `filter`'s facet fields alone (what some facet ignores), and the rest.
pub fn split(filter: &VacancyFilter) -> (VacancyFilter, VacancyFilter) {
    let mut rest = filter.clone();
    for facet in Facet::ALL {
        facet.clear(&mut rest);
    }
    let own = VacancyFilter {
        organisation_id: filter.organisation_id,
        organisation_acronym: filter.organisation_acronym.clone(),
        project_id: filter.project_id,
        project_code: filter.project_code.clone(),
        country: filter.country.clone(),
        city: filter.city.clone(),
        grade: filter.grade.clone(),
        grade_category: filter.grade_category,
        contract_type: filter.contract_type,
        open_to_internal: filter.open_to_internal,
        open_to_external: filter.open_to_external,
        ..VacancyFilter::default()
    };
    (own, rest)
}

/// A scalar subquery: the rows of every `(facet, source)` as one JSON array of
/// `[facet, v1, v2, n]`, text on both databases.
pub fn json_sql(parts: &[(Facet, String)], backend: DbBackend) -> String {
    let rows = parts
        .iter()
        .map(|(facet, source)| facet.sql(source))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    match backend {
        DbBackend::Postgres => format!(
            "(SELECT COALESCE(CAST(json_agg(json_build_array(f.facet, f.v1, f.v2, f.n)) AS TEXT), \
             '[]') FROM ({rows}) f)"
        ),
        _ => format!(
            "(SELECT json_group_array(json_array(f.facet, f.v1, f.v2, f.n)) FROM ({rows}) f)"
        ),
    }
}

fn sorted<V: Ord>(rows: Vec<(V, i64)>) -> Vec<Bucket<V>> {
    let mut buckets: Vec<Bucket<V>> = rows
        .into_iter()
        .map(|(value, count)| Bucket { value, count })
        .collect();
    buckets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    buckets
}

/// A boolean as the SQL writes it: `true` on PostgreSQL, `1` on SQLite.
fn flag(text: Option<&str>) -> bool {
    matches!(text, Some("true" | "1"))
}

/// A JSON array that is not [`json_sql`]'s.
#[derive(Debug, thiserror::Error)]
#[error("the facets' JSON does not read back: {0}")]
struct Unreadable(serde_json::Error);

/// Reads back what [`json_sql`] wrote.
pub fn parse(json: &str) -> AppResult<VacancyFacets> {
    type Row = (String, Option<String>, Option<String>, i64);
    let rows: Vec<Row> =
        serde_json::from_str(json).map_err(|e| AppError::internal(Unreadable(e)))?;
    let mut stations = Vec::new();
    let (mut organisations, mut projects, mut countries) = (Vec::new(), Vec::new(), Vec::new());
    let (mut categories, mut grades, mut contracts) = (Vec::new(), Vec::new(), Vec::new());
    let (mut internal, mut external) = (Vec::new(), Vec::new());
    for (facet, v1, v2, n) in rows {
        match facet.as_str() {
            "organisation" => {
                if let Some(id) = v1.and_then(|v| v.parse().ok()) {
                    organisations.push((id, n));
                }
            }
            "project" => projects.push((v1.and_then(|v| v.parse().ok()), n)),
            "grade_category" => categories.push((v1, n)),
            "grade" => grades.push((v1, n)),
            "contract_type" => contracts.push((v1, n)),
            "open_to_internal" => internal.push((flag(v1.as_deref()), n)),
            "open_to_external" => external.push((flag(v1.as_deref()), n)),
            "country" => countries.extend(v1.map(|country| (country, n))),
            _ => stations.extend(v2.map(|country| ((v1, country), n))),
        }
    }
    Ok(VacancyFacets {
        organisations: sorted(organisations),
        projects: sorted(projects),
        countries: sorted(countries),
        duty_stations: sorted(stations),
        grade_categories: sorted(categories),
        grades: sorted(grades),
        contract_types: sorted(contracts),
        open_to_internal: sorted(internal),
        open_to_external: sorted(external),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_facet_clears_its_own_filter_and_split_covers_them_all() {
        let filter = VacancyFilter {
            search: Some("data".into()),
            grade: Some("P4".into()),
            city: Some("Rabat".into()),
            ..Default::default()
        };
        assert!(Facet::Organisations.without_own(&filter).is_none());
        let without = Facet::Grades.without_own(&filter).unwrap();
        assert_eq!(
            (without.grade, without.city.as_deref()),
            (None, Some("Rabat"))
        );
        let (own, rest) = split(&filter);
        assert_eq!((own.grade.as_deref(), own.search), (Some("P4"), None));
        assert_eq!((rest.grade, rest.search.as_deref()), (None, Some("data")));
    }

    #[test]
    fn rows_read_back_sorted_with_booleans_of_both_databases() {
        let json = r#"[["grade","P4",null,2],["grade",null,null,5],["open_to_internal","1",null,3],
            ["open_to_internal","false",null,4],["station","Rabat","MA",1],["organisation","7",null,9]]"#;
        let facets = parse(json).unwrap();
        assert_eq!(facets.grades[0].value, None);
        assert_eq!(facets.grades[1].count, 2);
        assert_eq!(
            facets.open_to_internal,
            vec![
                Bucket {
                    value: false,
                    count: 4
                },
                Bucket {
                    value: true,
                    count: 3
                }
            ]
        );
        assert_eq!(facets.duty_stations[0].value.1, "MA");
        assert_eq!(facets.organisations[0].value, 7);
        assert!(parse("not json").is_err());
    }
}
