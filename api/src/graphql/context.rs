//! Reading what the HTTP layer put into a request's context.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::Actor;
use crate::error::AppError;
use crate::event_bus::EventBus;
use crate::graphql::loaders::Loaders;

#[derive(Debug, thiserror::Error)]
#[error("{0} missing from the GraphQL context")]
struct MissingContext(&'static str);

pub fn db<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, AppError> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| AppError::internal(MissingContext("database")))
}

pub fn actor<'a>(ctx: &Context<'a>) -> Result<&'a Actor, AppError> {
    Ok(ctx.data_opt::<Actor>().unwrap_or(&Actor::Anonymous))
}

pub fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, AppError> {
    ctx.data::<Loaders>()
        .map_err(|_| AppError::internal(MissingContext("loaders")))
}

pub fn settings<'a>(ctx: &Context<'a>) -> Result<&'a crate::graphql::Settings, AppError> {
    ctx.data::<crate::graphql::Settings>()
        .map_err(|_| AppError::internal(MissingContext("settings")))
}

pub fn bus<'a>(ctx: &Context<'a>) -> Result<&'a EventBus, AppError> {
    ctx.data::<EventBus>()
        .map_err(|_| AppError::internal(MissingContext("event bus")))
}
