//! Limits checked on the parsed document before the schema validates or runs it: how deep data
//! fields nest, how many aliases an operation uses, how many fields it selects once its
//! fragments are spread, and how many operations (root fields) it asks for.
//!
//! Every fragment is measured once and remembered, so a document that spreads fragments into
//! fragments ("fragment bombs") costs time in proportion to its text, not to what it expands to.
//! Introspection (`__schema`, `__type`) does not count towards the depth: tools such as GraphiQL
//! nest it fifteen levels deep to read the schema, which costs nothing like a nested query of the
//! data. It does count towards aliases and fields.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};

/// Limits on the shape of one document.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Deepest nesting of data fields.
    pub max_depth: usize,
    /// Most aliases in one operation, through its fragments.
    pub max_aliases: usize,
    /// Most fields one operation selects once its fragments are spread. Every field costs at
    /// least 1 in the complexity limit, so this is the complexity limit.
    pub max_fields: usize,
    /// Deepest nesting of selection sets and fragment spreads.
    pub max_recursion: usize,
}

/// Why a document is refused; the message is for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the query nests fields too deep: at most {0} levels of fields")]
    Depth(usize),
    #[error("the operation uses too many aliases: at most {0}")]
    Aliases(usize),
    #[error("the operation selects too many fields once its fragments are spread: at most {0}")]
    Fields(usize),
    #[error("the query nests selections and fragments too deep: at most {0} levels")]
    Recursion(usize),
}

/// What a selection set amounts to once its fragments are spread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Measure {
    /// Deepest nesting of data fields.
    depth: usize,
    /// Deepest nesting of selection sets, fragments included (as the schema's recursion limit
    /// counts them).
    height: usize,
    aliases: usize,
    fields: usize,
}

impl Measure {
    fn merge(self, other: Self) -> Self {
        Self {
            depth: self.depth.max(other.depth),
            height: self.height.max(other.height),
            aliases: self.aliases.saturating_add(other.aliases),
            fields: self.fields.saturating_add(other.fields),
        }
    }
}

struct Measurer<'a> {
    document: &'a ExecutableDocument,
    /// Fragments measured so far; `None` while one is being measured (a cycle, which the
    /// schema's validation refuses, counts as empty here).
    fragments: HashMap<&'a Name, Option<Measure>>,
    max_recursion: usize,
}

impl<'a> Measurer<'a> {
    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        level: usize,
    ) -> Result<Measure, LimitError> {
        // The recursion follows fragment chains across definitions, which the parser does not
        // bound: stop where the schema would refuse anyway.
        if level > self.max_recursion {
            return Err(LimitError::Recursion(self.max_recursion));
        }
        let mut total = Measure::default();
        for selection in &set.items {
            let found = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let inner = if field.selection_set.node.items.is_empty() {
                        Measure::default()
                    } else {
                        let inner = self.selection_set(&field.selection_set.node, level + 1)?;
                        Measure {
                            height: inner.height + 1,
                            ..inner
                        }
                    };
                    let introspection = field.name.node.starts_with("__");
                    Measure {
                        depth: if introspection { 0 } else { inner.depth + 1 },
                        height: inner.height,
                        aliases: inner.aliases + usize::from(field.alias.is_some()),
                        fields: inner.fields.saturating_add(1),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let inner = self.selection_set(&fragment.node.selection_set.node, level + 1)?;
                    Measure {
                        height: inner.height + 1,
                        ..inner
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let inner = self.fragment(&spread.node.fragment_name.node, level)?;
                    Measure {
                        height: inner.height + 1,
                        ..inner
                    }
                }
            };
            total = total.merge(found);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a Name, level: usize) -> Result<Measure, LimitError> {
        match self.fragments.get(name) {
            Some(Some(measure)) => return Ok(*measure),
            Some(None) => return Ok(Measure::default()),
            None => {}
        }
        let document = self.document;
        let Some(fragment) = document.fragments.get(name) else {
            // An unknown fragment: the schema's validation says so.
            return Ok(Measure::default());
        };
        self.fragments.insert(name, None);
        let measure = self.selection_set(&fragment.node.selection_set.node, level + 1)?;
        self.fragments.insert(name, Some(measure));
        Ok(measure)
    }
}

/// Checks every operation of the document against `limits`.
pub fn check(document: &ExecutableDocument, limits: &DocumentLimits) -> Result<(), LimitError> {
    let mut measurer = Measurer {
        document,
        fragments: HashMap::new(),
        max_recursion: limits.max_recursion,
    };
    for (_, operation) in document.operations.iter() {
        let measure = measurer.selection_set(&operation.node.selection_set.node, 0)?;
        if measure.height > limits.max_recursion {
            return Err(LimitError::Recursion(limits.max_recursion));
        }
        if measure.depth > limits.max_depth {
            return Err(LimitError::Depth(limits.max_depth));
        }
        if measure.aliases > limits.max_aliases {
            return Err(LimitError::Aliases(limits.max_aliases));
        }
        if measure.fields > limits.max_fields {
            return Err(LimitError::Fields(limits.max_fields));
        }
    }
    Ok(())
}

/// How many operations the request runs, for the rate limit: the distinct root fields (by
/// response key, so aliases count) of the operation it selects, at least 1.
pub fn operation_count(document: &ExecutableDocument, operation_name: Option<&str>) -> u32 {
    let operation: Option<&Positioned<OperationDefinition>> =
        match (&document.operations, operation_name) {
            (DocumentOperations::Single(operation), _) => Some(operation),
            (DocumentOperations::Multiple(operations), Some(name)) => operations
                .iter()
                .find(|(op_name, _)| op_name.as_str() == name)
                .map(|(_, operation)| operation),
            (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
                operations.values().next()
            }
            (DocumentOperations::Multiple(_), None) => None,
        };
    let Some(operation) = operation else {
        return 1;
    };
    let mut keys = HashSet::new();
    let mut spread = HashSet::new();
    root_keys(
        document,
        &operation.node.selection_set.node,
        &mut keys,
        &mut spread,
    );
    u32::try_from(keys.len()).unwrap_or(u32::MAX).max(1)
}

/// The response keys of a root selection set, through its fragments (each spread once: the
/// same fragment spread twice selects the same keys).
fn root_keys<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut HashSet<&'a str>,
    spread: &mut HashSet<&'a Name>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.alias.as_ref().unwrap_or(&field.node.name);
                keys.insert(key.node.as_str());
            }
            Selection::InlineFragment(fragment) => {
                root_keys(document, &fragment.node.selection_set.node, keys, spread);
            }
            Selection::FragmentSpread(fragment) => {
                let name = &fragment.node.fragment_name.node;
                if spread.insert(name) {
                    if let Some(fragment) = document.fragments.get(name) {
                        root_keys(document, &fragment.node.selection_set.node, keys, spread);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    const LOOSE: DocumentLimits = DocumentLimits {
        max_depth: usize::MAX,
        max_aliases: usize::MAX,
        max_fields: usize::MAX,
        max_recursion: 64,
    };

    fn measure(query: &str) -> Measure {
        let document = parse_query(query).expect("a valid query");
        let mut measurer = Measurer {
            document: &document,
            fragments: HashMap::new(),
            max_recursion: 64,
        };
        let mut total = Measure::default();
        for (_, operation) in document.operations.iter() {
            let found = measurer
                .selection_set(&operation.node.selection_set.node, 0)
                .expect("within the recursion limit");
            total = total.merge(found);
        }
        total
    }

    fn depth(query: &str) -> usize {
        measure(query).depth
    }

    #[test]
    fn counts_nested_fields_through_fragments() {
        assert_eq!(depth("{ a }"), 1);
        assert_eq!(depth("{ a { b { c } } d }"), 3);
        assert_eq!(depth("{ a { ...F } } fragment F on T { b { c } }"), 3);
        assert_eq!(depth("{ a { ... on T { b } } }"), 2);
    }

    #[test]
    fn introspection_does_not_count_towards_depth() {
        let graphiql = include_str!("../../../tests/fixtures/graphiql-introspection.graphql");
        assert_eq!(depth(graphiql), 0);
        assert_eq!(depth("{ __typename a { __typename b } }"), 2);
    }

    #[test]
    fn aliases_and_fields_count_through_fragments() {
        let found = measure("{ x: a { y: b } ...F ...F } fragment F on Q { z: c }");
        assert_eq!(found.aliases, 4);
        assert_eq!(found.fields, 4);
    }

    #[test]
    fn a_fragment_bomb_is_measured_without_expanding_it() {
        // Each fragment spreads the next one ten times: 10^30 fields once spread.
        let mut query = String::from("{ ...F0 }");
        for i in 0..30 {
            let next = format!(" ...F{}", i + 1).repeat(10);
            query.push_str(&format!(
                " fragment F{i} on Query {{ a: __typename{next} }}"
            ));
        }
        query.push_str(" fragment F30 on Query { __typename }");
        let document = parse_query(&query).expect("a valid query");
        let limits = DocumentLimits {
            max_fields: 1_000,
            ..LOOSE
        };
        assert_eq!(check(&document, &limits), Err(LimitError::Fields(1_000)));
    }

    #[test]
    fn a_long_chain_of_fragments_is_refused_without_exhausting_the_stack() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..100_000 {
            query.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        query.push_str(" fragment F100000 on Query { __typename }");
        let document = parse_query(&query).expect("a valid query");
        assert_eq!(check(&document, &LOOSE), Err(LimitError::Recursion(64)));
    }

    #[test]
    fn limits_refuse_what_exceeds_them_and_pass_the_rest() {
        let document = parse_query("{ a: x b: x c { d: y } }").expect("a valid query");
        let limits = |max_aliases| DocumentLimits {
            max_aliases,
            ..LOOSE
        };
        assert_eq!(check(&document, &limits(3)), Ok(()));
        assert_eq!(check(&document, &limits(2)), Err(LimitError::Aliases(2)));
    }

    #[test]
    fn operations_are_the_distinct_root_fields_of_the_selected_operation() {
        let count = |query: &str, name: Option<&str>| {
            operation_count(&parse_query(query).expect("a valid query"), name)
        };
        assert_eq!(count("{ a }", None), 1);
        assert_eq!(count("{ a a }", None), 1);
        assert_eq!(count("{ x: a y: a b }", None), 3);
        assert_eq!(count("{ a ...F ...F } fragment F on Q { b c }", None), 3);
        assert_eq!(count("{ ... on Q { a b } }", None), 2);
        assert_eq!(count("query A { a } query B { b c }", Some("B")), 2);
        assert_eq!(count("query A { a } query B { b c }", None), 1);
        assert_eq!(count("{ __typename }", None), 1);
    }
}
