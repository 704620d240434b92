//! Column and constraint builders shared by the migrations, so every table spells
//! keys, timestamps and enumerations the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

/// Auto-incremented integer primary key named `id`.
pub fn id() -> ColumnDef {
    schema::pk_auto(Alias::new("id"))
}

/// A non-null integer column referencing another table's `id`.
pub fn reference<T: IntoIden>(col: T) -> ColumnDef {
    schema::integer(col)
}

pub fn reference_null<T: IntoIden>(col: T) -> ColumnDef {
    schema::integer_null(col)
}

/// A string column restricted to a fixed set of codes.
pub fn code_in<T: IntoIden + Copy + 'static>(col: T, codes: &[&str]) -> ColumnDef {
    let mut def = schema::string_len(col, 32);
    def.check(Expr::col(col).is_in(codes.iter().copied()));
    def
}

/// A nullable string column restricted to a fixed set of codes.
pub fn code_in_null<T: IntoIden + Copy + 'static>(col: T, codes: &[&str]) -> ColumnDef {
    let mut def = schema::string_len_null(col, 32);
    def.check(
        Expr::col(col)
            .is_null()
            .or(Expr::col(col).is_in(codes.iter().copied())),
    );
    def
}

/// Optimistic-locking counter, starting at 1 and bumped on every update.
pub fn version() -> ColumnDef {
    let mut def = schema::integer(Alias::new("version"));
    def.default(1);
    def
}

pub fn created_at() -> ColumnDef {
    schema::timestamp_with_time_zone(Alias::new("created_at"))
}

pub fn updated_at() -> ColumnDef {
    schema::timestamp_with_time_zone(Alias::new("updated_at"))
}

/// Ordering of an item within its parent's list.
pub fn sort_order() -> ColumnDef {
    schema::integer(Alias::new("sort_order"))
}

/// Foreign key `from.col → to.id`.
pub fn foreign_key<F, C, T>(
    from: F,
    col: C,
    to: T,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    F: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
    T: IntoIden + Copy + 'static,
{
    ForeignKey::create()
        .from(from, col)
        .to(to, Alias::new("id"))
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .to_owned()
}

/// A (possibly unique) index named after its table and columns.
pub fn index<T, C>(table: T, cols: &[C], unique: bool) -> IndexCreateStatement
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
{
    let table_name = table.into_iden().to_string();
    let col_names: Vec<String> = cols.iter().map(|c| c.into_iden().to_string()).collect();
    let prefix = if unique { "ux" } else { "ix" };
    let mut stmt = Index::create();
    stmt.name(format!("{prefix}_{table_name}_{}", col_names.join("_")))
        .table(table);
    for col in cols {
        stmt.col(*col);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// Adds one column (SQLite adds one column per statement).
pub async fn add_column<T: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    column: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

/// Drops one column.
pub async fn drop_column<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    column: C,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

/// Creates each index in order.
pub async fn create_indexes(
    manager: &SchemaManager<'_>,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops the tables in the order given (children first).
pub async fn drop_tables<T: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    tables: &[T],
) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).to_owned())
            .await?;
    }
    Ok(())
}

pub const LANGUAGE_LEVELS: &[&str] = &["BASIC", "WORKING", "FLUENT", "EXCELLENT"];
pub const EDUCATION_LEVELS: &[&str] =
    &["SECONDARY", "VOCATIONAL", "BACHELOR", "MASTER", "DOCTORATE"];
pub const REQUIREMENTS: &[&str] = &["REQUIRED", "DESIRABLE"];
