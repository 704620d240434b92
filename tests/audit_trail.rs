//! The audit trail of vacancy, account, integration-token and webhook writes, as an
//! organisation's admin and a platform admin read it back: who did what to which object, and
//! never a secret or a password in what changed.

use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::{create_account, global_id, TestApp};

const AUDIT: &str = "query ($org: ID, $type: String) { auditEvents(organisationId: $org, entityType: $type, first: 100) { nodes { id actorAccountId actorTokenId organisation { acronym } entityType entityId action changes } } }";

/// The events of one kind of object, oldest first.
async fn trail(app: &TestApp, token: &str, org: Option<&str>, entity_type: &str) -> Vec<Value> {
    let data = app
        .data_as(token, AUDIT, json!({ "org": org, "type": entity_type }))
        .await;
    let mut events = data["auditEvents"]["nodes"].as_array().unwrap().clone();
    events.reverse();
    events
}

/// The actions of an object's events, oldest first.
fn actions(events: &[Value], entity_id: i32) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["entityId"] == entity_id)
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// The one event of `action` on object `entity_id`, checked for its actor and organisation.
fn event<'a>(
    events: &'a [Value],
    entity_id: i32,
    action: &str,
    actor: i32,
    organisation: &str,
) -> &'a Value {
    let found = events
        .iter()
        .find(|e| e["entityId"] == entity_id && e["action"] == action)
        .unwrap_or_else(|| panic!("no {action} of {entity_id} in {events:?}"));
    assert_eq!(found["actorAccountId"], actor, "{found}");
    assert_eq!(found["actorTokenId"], Value::Null, "{found}");
    assert_eq!(found["organisation"]["acronym"], organisation, "{found}");
    found
}

fn row_id(global: &Value) -> i32 {
    use base64::Engine;
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global.as_str().unwrap())
        .unwrap();
    let decoded = String::from_utf8(decoded).unwrap();
    decoded.split_once(':').unwrap().1.parse().unwrap()
}

fn assert_never_in(events: &[Value], secrets: &[&str]) {
    for event in events {
        let changes = event["changes"].to_string();
        for secret in secrets {
            assert!(!changes.contains(secret), "{secret} leaked in {event}");
        }
    }
}

#[tokio::test]
async fn vacancy_writes_are_audited_with_their_author_and_organisation() {
    const CREATE: &str =
        "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }";
    const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: VacancyInput!) { updateVacancy(id: $id, version: $version, input: $input) { version } }";
    const PUBLISH: &str = "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { version } }";
    const CLOSE: &str = "mutation ($id: ID!, $version: Int!) { closeVacancy(id: $id, version: $version) { status } }";
    for app in TestApp::all_seeded().await {
        let (recruiter_id, _) = create_account(&app.db, Role::Recruiter, Some("IOM")).await;
        let recruiter = app.token_for(recruiter_id).await;
        let mut input = crate::vacancy_writes::orion_like(&app, "IOM-MA-AUDIT-1").await;
        let created = app
            .data_as(&recruiter, CREATE, json!({ "input": input }))
            .await["createVacancy"]
            .clone();
        let id = created["id"].clone();
        input["durationMonths"] = json!(18);
        let updated = app
            .data_as(
                &recruiter,
                UPDATE,
                json!({ "id": id, "version": created["version"], "input": input }),
            )
            .await;
        let published = app
            .data_as(
                &recruiter,
                PUBLISH,
                json!({ "id": id, "version": updated["updateVacancy"]["version"] }),
            )
            .await;
        app.data_as(
            &recruiter,
            CLOSE,
            json!({ "id": id, "version": published["publishVacancy"]["version"] }),
        )
        .await;

        let vacancy = row_id(&id);
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        for events in [
            trail(&app, &admin, None, "vacancy").await,
            trail(&app, &platform, Some(&iom), "vacancy").await,
        ] {
            assert_eq!(
                actions(&events, vacancy),
                ["create", "update", "publish", "close"],
                "[{}]",
                app.backend()
            );
            let create = event(&events, vacancy, "create", recruiter_id, "IOM");
            assert_eq!(create["entityType"], "vacancy");
            assert_eq!(create["changes"]["reference"], "IOM-MA-AUDIT-1");
            event(&events, vacancy, "update", recruiter_id, "IOM");
            let publish = event(&events, vacancy, "publish", recruiter_id, "IOM");
            assert_eq!(publish["changes"], json!({ "status": "PUBLISHED" }));
            let close = event(&events, vacancy, "close", recruiter_id, "IOM");
            assert_eq!(close["changes"], json!({ "status": "CLOSED" }));
        }
    }
}

#[tokio::test]
async fn invitations_password_changes_and_deactivation_are_audited_without_secrets() {
    const INVITE: &str =
        "mutation ($input: InviteAccountInput!) { inviteAccount(input: $input) { id } }";
    const REVOKE: &str = "mutation ($id: ID!) { revokeInvitation(id: $id) { status } }";
    const ACCEPT: &str = "mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token account { id } } }";
    const CHANGE: &str = "mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
    const DEACTIVATE: &str = "mutation ($id: ID!) { deactivateAccount(id: $id) { active } }";
    const FIRST_PASSWORD: &str = "my own passphrase";
    const NEW_PASSWORD: &str = "a fresh passphrase";
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        let (admin_id, _) = create_account(&app.db, Role::AgencyAdmin, Some("IOM")).await;
        let admin = app.token_for(admin_id).await;
        let invite = |email: &str| json!({ "input": { "email": email, "role": "RECRUITER", "organisationId": iom } });
        let hired = app.data_as(&admin, INVITE, invite("hire@iom.int")).await["inviteAccount"]
            ["id"]
            .clone();
        let withdrawn = app
            .data_as(&admin, INVITE, invite("withdrawn@iom.int"))
            .await["inviteAccount"]["id"]
            .clone();
        app.data_as(&admin, REVOKE, json!({ "id": withdrawn }))
            .await;
        let link_token = smtp
            .first_to("hire@iom.int")
            .await
            .token("/account/invitation")
            .unwrap();
        let accepted = app
            .data(
                ACCEPT,
                json!({ "input": { "token": link_token, "fullName": "Nadia Haddad", "password": FIRST_PASSWORD } }),
            )
            .await["acceptInvitation"]
            .clone();
        let session = accepted["token"].as_str().unwrap();
        app.data_as(
            session,
            CHANGE,
            json!({ "c": FIRST_PASSWORD, "n": NEW_PASSWORD }),
        )
        .await;
        let account = row_id(&accepted["account"]["id"]);
        app.data_as(
            &admin,
            DEACTIVATE,
            json!({ "id": global_id("Account", account) }),
        )
        .await;

        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        for reader in [&admin, &platform] {
            let invitations = trail(&app, reader, Some(&iom), "invitation").await;
            let (hired, withdrawn) = (row_id(&hired), row_id(&withdrawn));
            assert_eq!(actions(&invitations, hired), ["invite", "accept"]);
            assert_eq!(actions(&invitations, withdrawn), ["invite", "revoke"]);
            let invited = event(&invitations, hired, "invite", admin_id, "IOM");
            assert_eq!(invited["entityType"], "invitation");
            assert_eq!(invited["changes"]["email"], "hire@iom.int");
            assert_eq!(invited["changes"]["role"], "RECRUITER");
            event(&invitations, withdrawn, "revoke", admin_id, "IOM");
            // The invitee accepts, before anyone else could act for them.
            let accept = event(&invitations, hired, "accept", account, "IOM");
            assert_eq!(accept["changes"]["accountId"], account);

            let accounts = trail(&app, reader, Some(&iom), "account").await;
            assert_eq!(
                actions(&accounts, account),
                ["register", "change_password", "deactivate"],
                "[{}]",
                app.backend()
            );
            assert_eq!(
                event(&accounts, account, "register", account, "IOM")["changes"]["email"],
                "hire@iom.int"
            );
            event(&accounts, account, "change_password", account, "IOM");
            let deactivated = event(&accounts, account, "deactivate", admin_id, "IOM");
            assert_eq!(deactivated["changes"], json!({ "active": false }));
            let everything = [invitations, accounts].concat();
            assert_never_in(
                &everything,
                &[&link_token, FIRST_PASSWORD, NEW_PASSWORD, "argon2", session],
            );
        }
    }
}

#[tokio::test]
async fn integration_token_writes_are_audited_without_the_token() {
    const CREATE: &str = "mutation ($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { token integrationToken { id } } }";
    const REVOKE: &str = "mutation ($id: ID!) { revokeIntegrationToken(id: $id) { active } }";
    for app in TestApp::all_seeded().await {
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        let (admin_id, _) = create_account(&app.db, Role::AgencyAdmin, Some("IOM")).await;
        let admin = app.token_for(admin_id).await;
        let input = json!({ "input": {
            "organisationId": iom,
            "name": "Oracle HR",
            "expiresAt": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
            "scopes": ["POSTINGS_WRITE"],
        }});
        let created = app.data_as(&admin, CREATE, input).await["createIntegrationToken"].clone();
        let secret = created["token"].as_str().unwrap();
        let id = created["integrationToken"]["id"].clone();
        app.data_as(&admin, REVOKE, json!({ "id": id })).await;

        let token = row_id(&id);
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        for events in [
            trail(&app, &admin, None, "integration_token").await,
            trail(&app, &platform, Some(&iom), "integration_token").await,
        ] {
            assert_eq!(actions(&events, token), ["create", "revoke"]);
            let create = event(&events, token, "create", admin_id, "IOM");
            assert_eq!(create["entityType"], "integration_token");
            assert_eq!(create["changes"]["name"], "Oracle HR");
            assert_eq!(create["changes"]["scopes"], json!(["POSTINGS_WRITE"]));
            let revoke = event(&events, token, "revoke", admin_id, "IOM");
            assert!(revoke["changes"]["revokedAt"].is_string(), "{revoke}");
            assert_never_in(&events, &[secret]);
        }
    }
}

#[tokio::test]
async fn webhook_endpoint_writes_are_audited_without_the_signing_secret() {
    const CREATE: &str = "mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret webhookEndpoint { id version } } }";
    const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, version: $version, input: $input) { version } }";
    const ROTATE: &str = "mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }";
    const DELETE: &str = "mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }";
    for app in TestApp::all_seeded().await {
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        let (admin_id, _) = create_account(&app.db, Role::AgencyAdmin, Some("IOM")).await;
        let admin = app.token_for(admin_id).await;
        let input = json!({ "input": { "organisationId": iom, "url": "http://127.0.0.1:9/hooks", "events": ["VACANCY_PUBLISHED"] } });
        let created = app.data_as(&admin, CREATE, input).await["createWebhookEndpoint"].clone();
        let first_secret = created["secret"].as_str().unwrap();
        let id = created["webhookEndpoint"]["id"].clone();
        app.data_as(
            &admin,
            UPDATE,
            json!({ "id": id, "version": created["webhookEndpoint"]["version"], "input": { "events": ["VACANCY_CLOSED"] } }),
        )
        .await;
        let rotated = app.data_as(&admin, ROTATE, json!({ "id": id })).await;
        let second_secret = rotated["rotateWebhookSecret"]["secret"].as_str().unwrap();
        app.data_as(&admin, DELETE, json!({ "id": id })).await;

        let endpoint = row_id(&id);
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        for events in [
            trail(&app, &admin, None, "webhook_endpoint").await,
            trail(&app, &platform, Some(&iom), "webhook_endpoint").await,
        ] {
            assert_eq!(
                actions(&events, endpoint),
                ["create", "update", "rotate_secret", "delete"],
                "[{}]",
                app.backend()
            );
            let create = event(&events, endpoint, "create", admin_id, "IOM");
            assert_eq!(create["entityType"], "webhook_endpoint");
            assert_eq!(create["changes"]["url"], "http://127.0.0.1:9/hooks");
            let update = event(&events, endpoint, "update", admin_id, "IOM");
            assert_eq!(update["changes"]["events"], json!(["VACANCY_CLOSED"]));
            event(&events, endpoint, "rotate_secret", admin_id, "IOM");
            let delete = event(&events, endpoint, "delete", admin_id, "IOM");
            assert_eq!(delete["changes"]["url"], "http://127.0.0.1:9/hooks");
            assert_never_in(&events, &[first_secret, second_secret]);
        }
    }
}
