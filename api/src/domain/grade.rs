//! Grades of the UN common system and the category each belongs to.

use super::GradeCategory;

/// A grade as written in a notice (`G5`, `P4`, `NO-B`, `INTERN`, `CONSULTANT`), normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grade {
    code: String,
    category: GradeCategory,
}

impl Grade {
    /// Parses a grade; `NOB`, `no-b` and `NO-B` are the same grade.
    pub fn parse(input: &str) -> Result<Self, String> {
        let upper = input.trim().to_ascii_uppercase().replace([' ', '_'], "-");
        let numbered = |prefix: &str, max: u8| -> Option<String> {
            let n: u8 = upper.strip_prefix(prefix)?.parse().ok()?;
            (1..=max).contains(&n).then(|| format!("{prefix}{n}"))
        };
        let (code, category) = if let Some(code) = numbered("G", 7) {
            (code, GradeCategory::GeneralService)
        } else if let Some(code) = numbered("P", 5) {
            (code, GradeCategory::Professional)
        } else if let Some(code) = numbered("D", 2) {
            (code, GradeCategory::Director)
        } else if let Some(letter) = upper
            .strip_prefix("NO-")
            .or_else(|| upper.strip_prefix("NO"))
            .filter(|l| matches!(*l, "A" | "B" | "C" | "D" | "E"))
        {
            (format!("NO-{letter}"), GradeCategory::NationalOfficer)
        } else if upper == "INTERN" {
            (upper, GradeCategory::Intern)
        } else if upper == "CONSULTANT" {
            (upper, GradeCategory::Consultant)
        } else {
            return Err(format!(
                "unknown grade {input:?}: expected G1–G7, P1–P5, D1–D2, NO-A–NO-E, INTERN or CONSULTANT"
            ));
        };
        Ok(Self { code, category })
    }

    pub fn code(&self) -> &str {
        &self.code
    }

    pub fn category(&self) -> GradeCategory {
        self.category
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_map_to_their_category() {
        let cases = [
            ("G5", "G5", GradeCategory::GeneralService),
            ("g6", "G6", GradeCategory::GeneralService),
            ("P4", "P4", GradeCategory::Professional),
            ("D1", "D1", GradeCategory::Director),
            ("NO-B", "NO-B", GradeCategory::NationalOfficer),
            ("nob", "NO-B", GradeCategory::NationalOfficer),
            ("Intern", "INTERN", GradeCategory::Intern),
            ("CONSULTANT", "CONSULTANT", GradeCategory::Consultant),
        ];
        for (input, code, category) in cases {
            let grade = Grade::parse(input).unwrap();
            assert_eq!(
                (grade.code(), grade.category()),
                (code, category),
                "{input}"
            );
        }
    }

    #[test]
    fn unknown_grades_are_refused() {
        for input in ["G8", "P0", "NO-F", "X1", "", "G"] {
            assert!(Grade::parse(input).is_err(), "{input}");
        }
    }
}
