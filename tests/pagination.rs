use serde_json::{json, Value};

use crate::helpers::TestApp;

const PAGE: &str = "query ($first: Int, $after: String, $last: Int, $before: String) {
  organisations(first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { acronym } }
  }
}";

fn acronyms(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["acronym"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn paging_forward_and_backward_sees_every_item_once() {
    for app in TestApp::all_seeded().await {
        let everything = app.data(PAGE, json!({ "first": 100 })).await;
        let all = acronyms(&everything["organisations"]);
        assert_eq!(all.len(), 18);
        assert_eq!(everything["organisations"]["totalCount"], 18);

        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app.data(PAGE, json!({ "first": 5, "after": after })).await["organisations"]
                .clone();
            assert_eq!(page["totalCount"], 18);
            seen.extend(acronyms(&page));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_null());
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, all, "[{}] forward", app.backend());

        let mut seen_back = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = app.data(PAGE, json!({ "last": 4, "before": before })).await
                ["organisations"]
                .clone();
            let mut chunk = acronyms(&page);
            chunk.extend(seen_back);
            seen_back = chunk;
            if page["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = page["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(seen_back, all, "[{}] backward", app.backend());
    }
}

#[tokio::test]
async fn page_sizes_are_bounded() {
    for app in TestApp::all_seeded().await {
        let body = app.graphql(PAGE, json!({ "first": 101 })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], "first");
        assert!(body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("between 1 and 100"));

        assert_eq!(
            app.error_code(PAGE, json!({ "first": 0 })).await,
            "BAD_USER_INPUT"
        );
        assert_eq!(
            app.error_code(PAGE, json!({ "last": 101 })).await,
            "BAD_USER_INPUT"
        );
        assert_eq!(
            app.error_code(PAGE, json!({ "first": 2, "last": 2 })).await,
            "BAD_USER_INPUT"
        );
        assert_eq!(
            app.error_code(PAGE, json!({ "after": "garbage" })).await,
            "BAD_USER_INPUT"
        );

        let default = app.data(PAGE, json!({})).await;
        assert_eq!(acronyms(&default["organisations"]).len(), 18);
    }
}
