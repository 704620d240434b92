//! The pages mail links open: proving an address, choosing a new password, accepting an
//! invitation, unsubscribing. A GET only shows a form (mail scanners open links; a single-use
//! token must not be spent by them); the POST calls the same services as the GraphQL mutations,
//! after the same rate limit. One-click unsubscribe (RFC 8058) POSTs straight to the link.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::LazyLock;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use minijinja::Environment;
use serde::Serialize;

use crate::app::AppState;
use crate::auth::{Actor, ClientAddr};
use crate::domain::WrittenLanguage;
use crate::error::AppError;
use crate::http::graphql::client_address;
use crate::service;
use crate::service::account::{Acceptance, Signing};

static PAGES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    if let Err(error) = env.add_template(
        "account.html",
        include_str!("../../templates/pages/account.html"),
    ) {
        tracing::error!(%error, "account page template does not parse");
    }
    env
});

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The words of the pages, per language.
struct Words {
    verify_title: &'static str,
    verify_intro: &'static str,
    verify_button: &'static str,
    verified: &'static str,
    reset_title: &'static str,
    reset_intro: &'static str,
    new_password: &'static str,
    reset_button: &'static str,
    reset_done: &'static str,
    invitation_title: &'static str,
    invitation_intro: &'static str,
    full_name: &'static str,
    password: &'static str,
    invitation_button: &'static str,
    invitation_done: &'static str,
    unsubscribe_title: &'static str,
    unsubscribe_intro: &'static str,
    unsubscribe_button: &'static str,
    unsubscribed: &'static str,
    invalid_link: &'static str,
    too_many: &'static str,
    failed: &'static str,
}

const EN: Words = Words {
    verify_title: "Confirm your e-mail address",
    verify_intro: "Confirm that this address is yours to finish creating your account.",
    verify_button: "Confirm my address",
    verified: "Your address is confirmed. You can now apply to vacancies.",
    reset_title: "Choose a new password",
    reset_intro: "At least 10 characters; a few unrelated words make a strong password. You will be signed out everywhere.",
    new_password: "New password",
    reset_button: "Save my new password",
    reset_done: "Your password is changed. Sign in with it.",
    invitation_title: "Accept your invitation",
    invitation_intro: "Choose the name others will see and your password (at least 10 characters).",
    full_name: "Full name",
    password: "Password",
    invitation_button: "Create my account",
    invitation_done: "Your account is ready. Sign in with your e-mail address and this password.",
    unsubscribe_title: "Stop these mails",
    unsubscribe_intro: "You will no longer receive this kind of mail.",
    unsubscribe_button: "Stop these mails",
    unsubscribed: "Done: you will no longer receive these mails.",
    invalid_link: "This link is not valid: it may have expired or been used already.",
    too_many: "Too many attempts: try again in a few minutes.",
    failed: "Something went wrong on our side: try again later.",
};

const FR: Words = Words {
    verify_title: "Confirmez votre adresse e-mail",
    verify_intro: "Confirmez que cette adresse est la vôtre pour terminer la création de votre compte.",
    verify_button: "Confirmer mon adresse",
    verified: "Votre adresse est confirmée. Vous pouvez maintenant postuler.",
    reset_title: "Choisissez un nouveau mot de passe",
    reset_intro: "Au moins 10 caractères ; quelques mots sans rapport font un mot de passe solide. Vous serez déconnecté·e partout.",
    new_password: "Nouveau mot de passe",
    reset_button: "Enregistrer mon mot de passe",
    reset_done: "Votre mot de passe est modifié. Connectez-vous avec.",
    invitation_title: "Acceptez votre invitation",
    invitation_intro: "Choisissez le nom que les autres verront et votre mot de passe (au moins 10 caractères).",
    full_name: "Nom complet",
    password: "Mot de passe",
    invitation_button: "Créer mon compte",
    invitation_done: "Votre compte est prêt. Connectez-vous avec votre adresse e-mail et ce mot de passe.",
    unsubscribe_title: "Ne plus recevoir ces messages",
    unsubscribe_intro: "Vous ne recevrez plus ce type de message.",
    unsubscribe_button: "Ne plus recevoir ces messages",
    unsubscribed: "C'est fait : vous ne recevrez plus ces messages.",
    invalid_link: "Ce lien n'est pas valide : il a peut-être expiré ou déjà servi.",
    too_many: "Trop de tentatives : réessayez dans quelques minutes.",
    failed: "Une erreur s'est produite de notre côté : réessayez plus tard.",
};

const AR: Words = Words {
    verify_title: "تأكيد عنوان بريدك الإلكتروني",
    verify_intro: "أكّد أن هذا العنوان يخصك لإكمال إنشاء حسابك.",
    verify_button: "تأكيد عنواني",
    verified: "تم تأكيد عنوانك. يمكنك الآن التقدم للوظائف.",
    reset_title: "اختر كلمة مرور جديدة",
    reset_intro: "عشرة أحرف على الأقل؛ بضع كلمات لا رابط بينها تصنع كلمة مرور قوية. سيتم تسجيل خروجك من كل الأجهزة.",
    new_password: "كلمة المرور الجديدة",
    reset_button: "حفظ كلمة المرور",
    reset_done: "تم تغيير كلمة المرور. سجّل الدخول بها.",
    invitation_title: "اقبل دعوتك",
    invitation_intro: "اختر الاسم الذي سيراه الآخرون وكلمة المرور (عشرة أحرف على الأقل).",
    full_name: "الاسم الكامل",
    password: "كلمة المرور",
    invitation_button: "إنشاء حسابي",
    invitation_done: "حسابك جاهز. سجّل الدخول بعنوان بريدك وكلمة المرور هذه.",
    unsubscribe_title: "إيقاف هذه الرسائل",
    unsubscribe_intro: "لن تتلقى هذا النوع من الرسائل بعد الآن.",
    unsubscribe_button: "إيقاف هذه الرسائل",
    unsubscribed: "تم: لن تتلقى هذه الرسائل بعد الآن.",
    invalid_link: "هذا الرابط غير صالح: ربما انتهت صلاحيته أو استُخدم من قبل.",
    too_many: "محاولات كثيرة: أعد المحاولة بعد بضع دقائق.",
    failed: "حدث خطأ من جهتنا: أعد المحاولة لاحقًا.",
};

fn words(language: WrittenLanguage) -> &'static Words {
    match language {
        WrittenLanguage::En => &EN,
        WrittenLanguage::Fr => &FR,
        WrittenLanguage::Ar => &AR,
    }
}

#[derive(Serialize)]
struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: Option<&'static str>,
}

/// What one page shows.
#[derive(Serialize, Default)]
struct Page<'a> {
    lang: &'static str,
    dir: &'static str,
    title: &'a str,
    message: Option<&'a str>,
    failed: bool,
    form: bool,
    action: &'a str,
    token: &'a str,
    fields: Vec<Field>,
    button: &'a str,
}

fn render(status: StatusCode, page: &Page<'_>) -> Response {
    let html = PAGES
        .get_template("account.html")
        .and_then(|template| template.render(page));
    let body = match html {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(%error, "account page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        ],
        body,
    )
        .into_response()
}

/// Which page: its path, title, introduction, form fields and button.
#[derive(Clone, Copy)]
enum Kind {
    Verify,
    Reset,
    Invitation,
    Unsubscribe,
}

impl Kind {
    fn action(self) -> &'static str {
        match self {
            Self::Verify => "/account/verify-email",
            Self::Reset => "/account/reset-password",
            Self::Invitation => "/account/invitation",
            Self::Unsubscribe => "/unsubscribe",
        }
    }

    fn form<'a>(
        self,
        language: WrittenLanguage,
        token: &'a str,
        message: Option<&'a str>,
        failed: bool,
    ) -> Page<'a> {
        let w = words(language);
        let (title, intro, button, fields) = match self {
            Self::Verify => (w.verify_title, w.verify_intro, w.verify_button, vec![]),
            Self::Reset => (
                w.reset_title,
                w.reset_intro,
                w.reset_button,
                vec![Field {
                    name: "password",
                    label: w.new_password,
                    kind: "password",
                    autocomplete: Some("new-password"),
                }],
            ),
            Self::Invitation => (
                w.invitation_title,
                w.invitation_intro,
                w.invitation_button,
                vec![
                    Field {
                        name: "fullName",
                        label: w.full_name,
                        kind: "text",
                        autocomplete: Some("name"),
                    },
                    Field {
                        name: "password",
                        label: w.password,
                        kind: "password",
                        autocomplete: Some("new-password"),
                    },
                ],
            ),
            Self::Unsubscribe => (
                w.unsubscribe_title,
                w.unsubscribe_intro,
                w.unsubscribe_button,
                vec![],
            ),
        };
        Page {
            lang: language.code(),
            dir: language.direction(),
            title,
            message: Some(message.unwrap_or(intro)),
            failed,
            form: true,
            action: self.action(),
            token,
            fields,
            button,
        }
    }

    fn title(self, language: WrittenLanguage) -> &'static str {
        let w = words(language);
        match self {
            Self::Verify => w.verify_title,
            Self::Reset => w.reset_title,
            Self::Invitation => w.invitation_title,
            Self::Unsubscribe => w.unsubscribe_title,
        }
    }
}

fn language_of(params: &HashMap<String, String>) -> WrittenLanguage {
    WrittenLanguage::parse_or_default(params.get("lang").map_or("en", String::as_str))
}

fn show(kind: Kind, params: &HashMap<String, String>) -> Response {
    let language = language_of(params);
    let token = params.get("token").map_or("", String::as_str);
    render(StatusCode::OK, &kind.form(language, token, None, false))
}

pub async fn verify_form(Query(params): Query<HashMap<String, String>>) -> Response {
    show(Kind::Verify, &params)
}

pub async fn reset_form(Query(params): Query<HashMap<String, String>>) -> Response {
    show(Kind::Reset, &params)
}

pub async fn invitation_form(Query(params): Query<HashMap<String, String>>) -> Response {
    show(Kind::Invitation, &params)
}

pub async fn unsubscribe_form(Query(params): Query<HashMap<String, String>>) -> Response {
    show(Kind::Unsubscribe, &params)
}

/// The outcome of a POST as a page: done, or what went wrong (with the form again when the
/// input can be corrected).
fn outcome(
    kind: Kind,
    language: WrittenLanguage,
    token: &str,
    result: Result<&str, AppError>,
) -> Response {
    let w = words(language);
    let title = kind.title(language);
    match result {
        Ok(message) => render(
            StatusCode::OK,
            &Page {
                lang: language.code(),
                dir: language.direction(),
                title,
                message: Some(message),
                ..Page::default()
            },
        ),
        Err(AppError::BadUserInput { message, .. }) => render(
            StatusCode::BAD_REQUEST,
            &kind.form(language, token, Some(&message), true),
        ),
        Err(error) => {
            let (status, message) = match &error {
                AppError::InvalidToken => (StatusCode::BAD_REQUEST, w.invalid_link),
                AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, w.too_many),
                AppError::Conflict(_) => (StatusCode::CONFLICT, w.invalid_link),
                _ => {
                    if let AppError::Internal(source) = &error {
                        tracing::error!(error = %source, "account page");
                    }
                    (StatusCode::INTERNAL_SERVER_ERROR, w.failed)
                }
            };
            let page = Page {
                lang: language.code(),
                dir: language.direction(),
                title,
                message: Some(message),
                failed: true,
                ..Page::default()
            };
            render(status, &page)
        }
    }
}

/// The caller's address, after the rate limit every anonymous request is held to.
fn admit(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<Option<ClientAddr>, AppError> {
    let client = client_address(headers, Some(peer.ip()), state.forwarded_hops).map(ClientAddr);
    state.limits.spend(&Actor::Anonymous, client, 1)?;
    Ok(client)
}

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", String::as_str)
}

/// A page's POST: its form (with the link's query filling what the form leaves out, as a
/// one-click unsubscribe carries its token in the link), the state, and who sends it.
pub struct Post {
    state: AppState,
    headers: HeaderMap,
    peer: SocketAddr,
    form: HashMap<String, String>,
}

impl FromRequest<AppState> for Post {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let headers = parts.headers.clone();
        let Form(mut form) =
            Form::<HashMap<String, String>>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        for (key, value) in query {
            form.entry(key).or_insert(value);
        }
        Ok(Self {
            state: state.clone(),
            headers,
            peer,
            form,
        })
    }
}

impl Post {
    fn language(&self) -> WrittenLanguage {
        language_of(&self.form)
    }

    fn token(&self) -> &str {
        field(&self.form, "token")
    }

    /// The rate limit every anonymous request is held to.
    fn admit(&self) -> Result<(), AppError> {
        admit(&self.state, &self.headers, self.peer).map(drop)
    }
}

pub async fn verify(post: Post) -> Response {
    let result = async {
        post.admit()?;
        service::account::verify_email(&post.state.db, post.token()).await?;
        Ok(words(post.language()).verified)
    }
    .await;
    outcome(Kind::Verify, post.language(), post.token(), result)
}

pub async fn reset(post: Post) -> Response {
    let result = async {
        post.admit()?;
        let password = field(&post.form, "password");
        service::account::reset_password(
            &post.state.db,
            &post.state.mailer,
            post.token(),
            password,
        )
        .await?;
        Ok(words(post.language()).reset_done)
    }
    .await;
    outcome(Kind::Reset, post.language(), post.token(), result)
}

pub async fn accept_invitation(post: Post) -> Response {
    let result = async {
        post.admit()?;
        let signing = Signing {
            keys: &post.state.jwt,
            ttl: post.state.token_ttl,
            pacing: Default::default(),
        };
        let acceptance = Acceptance {
            token: post.token().to_owned(),
            full_name: field(&post.form, "fullName").to_owned(),
            password: field(&post.form, "password").to_owned(),
        };
        service::account::accept_invitation(&post.state.db, signing, acceptance).await?;
        Ok(words(post.language()).invitation_done)
    }
    .await;
    outcome(Kind::Invitation, post.language(), post.token(), result)
}

/// Unsubscribes: from the page's form, or one-click from a mail client (RFC 8058: the token in
/// the link's query, `List-Unsubscribe=One-Click` in the body).
pub async fn unsubscribe(post: Post) -> Response {
    let result = async {
        post.admit()?;
        let what = post
            .state
            .mailer
            .signer()
            .verify(post.token(), chrono::Utc::now())?;
        service::account::unsubscribe(&post.state.db, what).await?;
        Ok(words(post.language()).unsubscribed)
    }
    .await;
    outcome(Kind::Unsubscribe, post.language(), post.token(), result)
}
