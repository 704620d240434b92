//! How deep a query nests its own fields. Introspection (`__schema`, `__type`) is left out:
//! tools such as GraphiQL nest it fifteen levels deep to read the schema, which costs nothing
//! like a nested query of the data.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::Name;

/// The deepest nesting of data fields in any operation of the document.
pub fn data_depth(document: &ExecutableDocument) -> usize {
    document
        .operations
        .iter()
        .map(|(_, operation)| {
            depth(
                document,
                &operation.node.selection_set.node,
                &mut Vec::new(),
            )
        })
        .max()
        .unwrap_or(0)
}

fn depth(document: &ExecutableDocument, set: &SelectionSet, spreading: &mut Vec<Name>) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) if field.node.name.node.starts_with("__") => 0,
            Selection::Field(field) => {
                1 + depth(document, &field.node.selection_set.node, spreading)
            }
            Selection::InlineFragment(fragment) => {
                depth(document, &fragment.node.selection_set.node, spreading)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                // A fragment that spreads itself is refused by validation; do not loop on it.
                match document.fragments.get(name) {
                    Some(fragment) if !spreading.contains(name) => {
                        spreading.push(name.clone());
                        let found = depth(document, &fragment.node.selection_set.node, spreading);
                        spreading.pop();
                        found
                    }
                    _ => 0,
                }
            }
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn of(query: &str) -> usize {
        data_depth(&parse_query(query).expect("a valid query"))
    }

    #[test]
    fn counts_nested_fields_through_fragments() {
        assert_eq!(of("{ a }"), 1);
        assert_eq!(of("{ a { b { c } } d }"), 3);
        assert_eq!(of("{ a { ...F } } fragment F on T { b { c } }"), 3);
        assert_eq!(of("{ a { ... on T { b } } }"), 2);
    }

    #[test]
    fn introspection_does_not_count() {
        let graphiql = include_str!("../../../tests/fixtures/graphiql-introspection.graphql");
        assert_eq!(of(graphiql), 0);
        assert_eq!(of("{ __typename a { __typename b } }"), 2);
    }
}
