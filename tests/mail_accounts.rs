//! Accounts by mail, end to end: the app sends through a real SMTP server the test starts, and
//! the test follows the links it receives (verification, reset, invitation, unsubscribe).

use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::smtp::MISSING_DOMAIN;

const REGISTER: &str = "mutation ($input: RegisterInput!) { register(input: $input) { email } }";
const LOGIN: &str = "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }";
const ME: &str = "{ me { email role emailVerified organisation { acronym } } }";
const PASSWORD: &str = "correct horse battery";

async fn register(app: &TestApp, email: &str, language: &str) {
    let input = json!({ "email": email, "password": PASSWORD, "fullName": "Amina Benali", "language": language });
    app.data(REGISTER, json!({ "input": input })).await;
}

async fn login(app: &TestApp, email: &str, password: &str) -> Value {
    app.graphql(LOGIN, json!({ "email": email, "password": password }))
        .await
}

async fn token_of(app: &TestApp, email: &str, password: &str) -> String {
    let body = login(app, email, password).await;
    body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("signed in: {body}"))
        .to_owned()
}

/// Opens a mail link as a browser would: the GET shows a form, the POST does the work.
async fn follow(app: &TestApp, link: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let page = app.client.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200, "{link}");
    assert_eq!(
        page.headers()["referrer-policy"],
        "no-referrer",
        "the token must not leak in a Referer"
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\""), "{html}");
    let (path, query) = link.split_once('?').unwrap();
    let mut form: Vec<(String, String)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    form.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let response = app.client.post(path).form(&form).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn registration_mails_a_link_that_proves_the_address() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        register(&app, "amina@example.org", "fr").await;
        let mail = smtp.first_to("amina@example.org").await;
        assert_eq!(mail.subject(), "Confirmez votre adresse e-mail");
        assert_eq!(mail.from, "no-reply@jobboard.invalid");
        assert_eq!(mail.header("Content-Language").as_deref(), Some("fr"));
        assert!(mail.is_multipart_alternative());
        assert!(mail.html().contains("lang=\"fr\""), "{}", mail.html());
        let link = mail.link("/account/verify-email").expect("a link");
        assert!(link.starts_with(&app.address), "{link}");

        // Not proven yet: signed in, but not verified.
        let token = token_of(&app, "amina@example.org", PASSWORD).await;
        assert_eq!(
            app.data_as(&token, ME, json!({})).await["me"]["emailVerified"],
            false
        );

        let (status, page) = follow(&app, &link, &[]).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("confirmée"), "{page}");
        assert_eq!(
            app.data_as(&token, ME, json!({})).await["me"]["emailVerified"],
            true
        );

        // Single use: the same link again, and a forged one, are refused alike.
        let (status, page) = follow(&app, &link, &[]).await;
        assert_eq!(status, 400, "{page}");
        let verify = "mutation ($t: String!) { verifyEmail(token: $t) { email } }";
        let token = mail.token("/account/verify-email").unwrap();
        assert_eq!(
            app.error_code(verify, json!({ "t": token })).await,
            "INVALID_TOKEN"
        );
        assert_eq!(
            app.error_code(verify, json!({ "t": "forged" })).await,
            "INVALID_TOKEN"
        );
    }
}

#[tokio::test]
async fn registering_a_known_address_tells_its_owner_instead() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        register(&app, "karim@example.org", "en").await;
        smtp.first_to("karim@example.org").await;
        // Someone else tries the same address: the same answer, and the owner hears of it in
        // the owner's language, with a way back in if it was them.
        let input = json!({ "email": "karim@example.org", "password": "squatter passphrase", "fullName": "Squatter", "language": "ar" });
        let body = app.graphql(REGISTER, json!({ "input": input })).await;
        assert_eq!(body["data"]["register"]["email"], "karim@example.org");
        let mail = smtp.nth_to("karim@example.org", 2).await;
        assert_eq!(
            mail.subject(),
            "Someone tried to create an account with your address"
        );
        assert!(mail.link("/account/reset-password").is_some());
        assert_eq!(
            login(&app, "karim@example.org", "squatter passphrase").await["errors"][0]
                ["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_its_link_works_once() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        register(&app, "salma@example.org", "ar").await;
        smtp.first_to("salma@example.org").await;
        let old_session = token_of(&app, "salma@example.org", PASSWORD).await;

        let request = "mutation ($e: String!) { requestPasswordReset(email: $e) }";
        // Unknown addresses get the same answer, and no mail.
        let unknown = app
            .data(request, json!({ "e": "nobody@example.org" }))
            .await;
        assert_eq!(unknown["requestPasswordReset"], true);
        let known = app.data(request, json!({ "e": "Salma@Example.org" })).await;
        assert_eq!(known, unknown);
        let mail = smtp.nth_to("salma@example.org", 2).await;
        assert_eq!(mail.subject(), "اختر كلمة مرور جديدة");
        assert!(mail.html().contains("dir=\"rtl\""));
        assert!(smtp.received_by("nobody@example.org").is_empty());

        // A common password is refused and the link still works for a good one.
        let link = mail.link("/account/reset-password").unwrap();
        let (status, page) = follow(&app, &link, &[("password", "1234567890")]).await;
        assert_eq!(status, 400, "{page}");
        let (status, page) = follow(&app, &link, &[("password", "a brand new passphrase")]).await;
        assert_eq!(status, 200, "{page}");

        assert_eq!(
            app.error_code_as(Some(&old_session), ME, json!({})).await,
            "UNAUTHENTICATED"
        );
        token_of(&app, "salma@example.org", "a brand new passphrase").await;
        let changed = smtp.nth_to("salma@example.org", 3).await;
        assert_eq!(changed.subject(), "تم تغيير كلمة المرور");

        let reset =
            "mutation ($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }";
        let token = mail.token("/account/reset-password").unwrap();
        assert_eq!(
            app.error_code(reset, json!({ "t": token, "p": "yet another passphrase" }))
                .await,
            "INVALID_TOKEN"
        );
    }
}

#[tokio::test]
async fn signing_out_ends_a_session_and_everywhere_ends_them_all() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        register(&app, "omar@example.org", "en").await;
        smtp.first_to("omar@example.org").await;
        let first = token_of(&app, "omar@example.org", PASSWORD).await;
        let second = token_of(&app, "omar@example.org", PASSWORD).await;
        let third = token_of(&app, "omar@example.org", PASSWORD).await;

        app.data_as(&first, "mutation { signOut }", json!({})).await;
        assert_eq!(
            app.error_code_as(Some(&first), ME, json!({})).await,
            "UNAUTHENTICATED"
        );
        assert_eq!(
            app.data_as(&second, ME, json!({})).await["me"]["email"],
            "omar@example.org"
        );

        let ended = app
            .data_as(&second, "mutation { signOutEverywhere }", json!({}))
            .await;
        assert_eq!(ended["signOutEverywhere"], 2);
        for token in [&second, &third] {
            assert_eq!(
                app.error_code_as(Some(token), ME, json!({})).await,
                "UNAUTHENTICATED"
            );
        }
        assert_eq!(
            app.error_code("mutation { signOut }", json!({})).await,
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_ends_the_other_sessions() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        register(&app, "yasmine@example.org", "en").await;
        smtp.first_to("yasmine@example.org").await;
        let here = token_of(&app, "yasmine@example.org", PASSWORD).await;
        let elsewhere = token_of(&app, "yasmine@example.org", PASSWORD).await;
        let change = "mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
        let body = app
            .graphql_as(
                Some(&here),
                change,
                json!({ "c": "not my password", "n": "a fresh passphrase" }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "currentPassword");
        app.data_as(
            &here,
            change,
            json!({ "c": PASSWORD, "n": "a fresh passphrase" }),
        )
        .await;
        assert_eq!(
            app.data_as(&here, ME, json!({})).await["me"]["email"],
            "yasmine@example.org"
        );
        assert_eq!(
            app.error_code_as(Some(&elsewhere), ME, json!({})).await,
            "UNAUTHENTICATED"
        );
        let told = smtp.nth_to("yasmine@example.org", 2).await;
        assert_eq!(told.subject(), "Your password was changed");
    }
}

const INVITE: &str = "mutation ($input: InviteAccountInput!) { inviteAccount(input: $input) { id email role status organisation { acronym } } }";

#[tokio::test]
async fn an_admin_invites_a_recruiter_who_chooses_their_own_password() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let input = json!({ "input": { "email": "NewHire@iom.int", "role": "RECRUITER", "organisationId": iom } });
        let invited = app.data_as(&admin, INVITE, input.clone()).await["inviteAccount"].clone();
        assert_eq!(invited["email"], "newhire@iom.int");
        assert_eq!(invited["status"], "PENDING");

        // Another agency's admin may not invite to IOM, nor see or revoke its invitations.
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        assert_eq!(
            app.error_code_as(Some(&ilo_admin), INVITE, input).await,
            "FORBIDDEN"
        );
        let revoke = "mutation ($id: ID!) { revokeInvitation(id: $id) { status } }";
        assert_eq!(
            app.error_code_as(Some(&ilo_admin), revoke, json!({ "id": invited["id"] }))
                .await,
            "NOT_FOUND"
        );
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let list = "query ($o: ID) { invitations(organisationId: $o) { email status } }";
        assert_eq!(
            app.error_code_as(Some(&recruiter), list, json!({ "o": iom }))
                .await,
            "FORBIDDEN"
        );
        let listed = app.data_as(&admin, list, json!({ "o": iom })).await;
        assert_eq!(listed["invitations"][0]["email"], "newhire@iom.int");

        let mail = smtp.first_to("newhire@iom.int").await;
        assert!(mail.subject().contains("invites you"), "{}", mail.subject());
        let link = mail.link("/account/invitation").unwrap();
        let (status, page) = follow(
            &app,
            &link,
            &[
                ("fullName", "Nadia Haddad"),
                ("password", "my own passphrase"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let token = token_of(&app, "newhire@iom.int", "my own passphrase").await;
        let me = app.data_as(&token, ME, json!({})).await["me"].clone();
        assert_eq!(me["role"], "RECRUITER");
        assert_eq!(me["organisation"]["acronym"], "IOM");
        assert_eq!(me["emailVerified"], true);

        // Accepted: the link is spent.
        let (status, _) = follow(
            &app,
            &link,
            &[("fullName", "X"), ("password", "another passphrase")],
        )
        .await;
        assert_eq!(status, 400);
        let listed = app.data_as(&admin, list, json!({ "o": iom })).await;
        assert_eq!(listed["invitations"][0]["status"], "ACCEPTED");
    }
}

#[tokio::test]
async fn a_revoked_or_expired_invitation_cannot_be_accepted() {
    use sea_orm::sea_query::Expr;
    use sea_orm::EntityTrait;

    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let accept = "mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }";
        let revoke = "mutation ($id: ID!) { revokeInvitation(id: $id) { status } }";

        let input = json!({ "input": { "email": "revoked@iom.int", "role": "AGENCY_ADMIN", "organisationId": iom } });
        let invited = app.data_as(&admin, INVITE, input).await["inviteAccount"].clone();
        let revoked = app
            .data_as(&admin, revoke, json!({ "id": invited["id"] }))
            .await;
        assert_eq!(revoked["revokeInvitation"]["status"], "REVOKED");
        let token = smtp
            .first_to("revoked@iom.int")
            .await
            .token("/account/invitation")
            .unwrap();
        let acceptance = json!({ "input": { "token": token, "fullName": "R", "password": "my own passphrase" } });
        assert_eq!(app.error_code(accept, acceptance).await, "INVALID_TOKEN");

        let input = json!({ "input": { "email": "late@iom.int", "role": "RECRUITER", "organisationId": iom } });
        app.data_as(&admin, INVITE, input).await;
        entity::invitation::Entity::update_many()
            .col_expr(
                entity::invitation::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
            )
            .exec(&app.db)
            .await
            .unwrap();
        let token = smtp
            .first_to("late@iom.int")
            .await
            .token("/account/invitation")
            .unwrap();
        let acceptance = json!({ "input": { "token": token, "fullName": "L", "password": "my own passphrase" } });
        assert_eq!(app.error_code(accept, acceptance).await, "INVALID_TOKEN");
    }
}

#[tokio::test]
async fn an_invitation_takes_an_address_back_from_a_squatter() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        // Someone registers a new hire's address before the agency invites them.
        let input = json!({ "email": "hire@iom.int", "password": "squatter passphrase", "fullName": "Squatter" });
        app.data(REGISTER, json!({ "input": input })).await;
        let iom = crate::accounts::organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let input = json!({ "input": { "email": "hire@iom.int", "role": "RECRUITER", "organisationId": iom } });
        app.data_as(&admin, INVITE, input).await;
        let invitation = smtp.nth_to("hire@iom.int", 2).await;
        let link = invitation.link("/account/invitation").unwrap();
        let (status, page) = follow(
            &app,
            &link,
            &[
                ("fullName", "Real Hire"),
                ("password", "the real passphrase"),
            ],
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let token = token_of(&app, "hire@iom.int", "the real passphrase").await;
        assert_eq!(
            app.data_as(&token, ME, json!({})).await["me"]["role"],
            "RECRUITER"
        );
        assert_eq!(
            login(&app, "hire@iom.int", "squatter passphrase").await["errors"][0]["extensions"]
                ["code"],
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn a_failing_mail_server_loses_nothing_and_a_refused_address_blocks_no_one() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let outbox = "query ($s: MailStatus!) { mailOutbox(status: $s) { totalCount mails { recipient kind attempts lastError } } }";
        // Only platform admins read the outbox.
        let agency = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        assert_eq!(
            app.error_code_as(Some(&agency), outbox, json!({ "s": "PENDING" }))
                .await,
            "FORBIDDEN"
        );

        smtp.set_down(true);
        register(&app, "patient@example.org", "en").await;
        // Tried, failed for a passing reason, waiting for its next attempt.
        let mut pending = Value::Null;
        for _ in 0..100 {
            pending = app
                .data_as(&platform, outbox, json!({ "s": "PENDING" }))
                .await;
            if pending["mailOutbox"]["mails"][0]["attempts"]
                .as_i64()
                .unwrap_or(0)
                > 0
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(pending["mailOutbox"]["totalCount"], 1, "{pending}");
        assert_eq!(
            pending["mailOutbox"]["mails"][0]["recipient"],
            "patient@example.org"
        );
        assert!(
            pending["mailOutbox"]["mails"][0]["lastError"].is_string(),
            "{pending}"
        );

        smtp.set_down(false);
        let missing = format!("someone@{MISSING_DOMAIN}");
        register(&app, &missing, "en").await;
        register(&app, "after@example.org", "en").await;
        // The retried mail arrives, the mail after the refused one too.
        smtp.first_to("patient@example.org").await;
        smtp.first_to("after@example.org").await;
        let mut failed = Value::Null;
        for _ in 0..100 {
            failed = app
                .data_as(&platform, outbox, json!({ "s": "FAILED" }))
                .await;
            if failed["mailOutbox"]["totalCount"] == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            failed["mailOutbox"]["mails"][0]["recipient"],
            missing.as_str(),
            "{failed}"
        );
        assert_eq!(failed["mailOutbox"]["mails"][0]["attempts"], 1, "{failed}");
        assert!(smtp.received_by(&missing).is_empty());
    }
}

#[tokio::test]
async fn unsubscribe_links_work_without_signing_in_and_forged_ones_do_not() {
    use jobboard::config::{Environment, ServerConfig};
    use jobboard::service::mail::{LinkSigner, Unsubscribe};

    for (app, _smtp) in TestApp::all_seeded_with_smtp().await {
        let (id, _) = crate::helpers::create_account(&app.db, Role::Candidate, None).await;
        let token = app.token_for(id).await;
        let prefs = "{ notificationPreferences { applicationUpdates language } }";
        assert_eq!(
            app.data_as(&token, prefs, json!({})).await["notificationPreferences"]
                ["applicationUpdates"],
            true
        );
        let config = ServerConfig::for_database("sqlite::memory:");
        let signer = LinkSigner::derive(
            config
                .jwt
                .secret(Environment::Development)
                .unwrap()
                .as_bytes(),
        );
        let link = signer.sign(
            Unsubscribe::ApplicationUpdates { account: id },
            chrono::Utc::now(),
        );

        let forged = app
            .client
            .post(app.url(&format!("/unsubscribe?token={link}x")))
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), 400);

        // RFC 8058 one-click: a POST to the link itself.
        let done = app
            .client
            .post(app.url(&format!("/unsubscribe?token={link}")))
            .form(&[("List-Unsubscribe", "One-Click")])
            .send()
            .await
            .unwrap();
        assert_eq!(done.status(), 200);
        assert_eq!(
            app.data_as(&token, prefs, json!({})).await["notificationPreferences"]
                ["applicationUpdates"],
            false
        );
    }
}

#[tokio::test]
async fn preferences_are_the_owners_and_checked() {
    for app in TestApp::all_seeded().await {
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let update = "mutation ($input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { language applicationUpdates recruiterDigest } }";
        let done = app
            .data_as(
                &candidate,
                update,
                json!({ "input": { "language": "ar", "applicationUpdates": false } }),
            )
            .await;
        assert_eq!(done["updateNotificationPreferences"]["language"], "ar");
        assert_eq!(
            done["updateNotificationPreferences"]["applicationUpdates"],
            false
        );
        let body = app
            .graphql_as(
                Some(&candidate),
                update,
                json!({ "input": { "language": "de" } }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.language");
        let body = app
            .graphql_as(
                Some(&candidate),
                update,
                json!({ "input": { "recruiterDigest": true } }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "input.recruiterDigest"
        );
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let done = app
            .data_as(
                &recruiter,
                update,
                json!({ "input": { "recruiterDigest": true } }),
            )
            .await;
        assert_eq!(
            done["updateNotificationPreferences"]["recruiterDigest"],
            true
        );
        assert_eq!(
            app.error_code("{ notificationPreferences { language } }", json!({}))
                .await,
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn login_refuses_overlong_passwords_before_hashing() {
    for app in TestApp::all_seeded().await {
        let body = login(&app, "someone@example.org", &"x".repeat(257)).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
}

#[tokio::test]
async fn without_a_mail_server_development_writes_mails_as_files() {
    use jobboard::config::ServerConfig;

    let database = crate::helpers::TestDatabase::all().await.remove(0);
    let config = ServerConfig::for_database(database.url());
    let dir = config.mail.mail_dir.clone();
    let app = TestApp::spawn_with(database, config).await;
    register(&app, "files@example.org", "en").await;
    let mut written = None;
    for _ in 0..200 {
        written = std::fs::read_dir(&dir).ok().and_then(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| path.extension().is_some_and(|ext| ext == "eml"))
        });
        if written.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let file = written.expect("a .eml file in MAIL_DIR");
    let raw = std::fs::read_to_string(&file).unwrap();
    assert!(raw.contains("To: files@example.org"), "{raw}");
    assert!(
        raw.contains("Subject: Confirm your e-mail address"),
        "{raw}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_new_verification_link_goes_only_to_an_unproven_address() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        register(&app, "lost@example.org", "en").await;
        smtp.first_to("lost@example.org").await;
        let token = token_of(&app, "lost@example.org", PASSWORD).await;
        let resend = "mutation { requestEmailVerification }";
        app.data_as(&token, resend, json!({})).await;
        let again = smtp.nth_to("lost@example.org", 2).await;
        let link = again.link("/account/verify-email").unwrap();
        let (status, _) = follow(&app, &link, &[]).await;
        assert_eq!(status, 200);

        // A proven address is mailed nothing more.
        app.data_as(&token, resend, json!({})).await;
        register(&app, "marker@example.org", "en").await;
        smtp.first_to("marker@example.org").await;
        assert_eq!(smtp.received_by("lost@example.org").len(), 2);
        assert_eq!(app.error_code(resend, json!({})).await, "UNAUTHENTICATED");
    }
}
