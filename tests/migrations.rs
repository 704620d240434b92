use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};

use crate::helpers::TestDatabase;

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    for database in TestDatabase::all().await {
        let db = database.connect().await;
        Migrator::up(&db, None).await.expect("first up");
        let applied = Migrator::get_applied_migrations(&db)
            .await
            .expect("list")
            .len();
        assert_eq!(
            applied,
            Migrator::migrations().len(),
            "{}",
            database.backend()
        );

        Migrator::down(&db, None).await.expect("down");
        assert!(Migrator::get_applied_migrations(&db)
            .await
            .expect("list")
            .is_empty());
        let manager = sea_orm_migration::SchemaManager::new(&db);
        for table in [
            "vacancy",
            "organisation",
            "application",
            "account",
            "webhook_endpoint",
            "webhook_delivery",
        ] {
            assert!(
                !manager.has_table(table).await.expect("inspect"),
                "{table} left behind on {}",
                database.backend()
            );
        }

        Migrator::up(&db, None).await.expect("second up");
        assert!(manager.has_table("vacancy").await.expect("inspect"));
        db.close().await.ok();
    }
}

/// The organisation with this acronym, in a database migrated without the server.
async fn organisation_id(db: &DatabaseConnection, acronym: &str) -> i32 {
    use entity::organisation_acronym;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    organisation_acronym::Entity::find()
        .filter(organisation_acronym::Column::Acronym.eq(acronym))
        .one(db)
        .await
        .unwrap()
        .expect("a demo organisation")
        .organisation_id
}

async fn insert_project(db: &DatabaseConnection, lead: i32, code: &str) -> Result<i32, DbErr> {
    use entity::project;
    use sea_orm::{EntityTrait, Set};

    let now = chrono::Utc::now();
    let row = project::ActiveModel {
        code: Set(code.to_owned()),
        name_en: Set(format!("{code} project")),
        name_fr: Set(format!("Projet {code}")),
        description_en: Set(None),
        description_fr: Set(None),
        objectives: Set(None),
        start_on: Set(None),
        end_on: Set(None),
        lead_organisation_id: Set(lead),
        status: Set("ACTIVE".to_owned()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // Reads back only the id: the columns later migrations add are not there yet.
    let inserted = project::Entity::insert(row).exec(db).await?;
    Ok(inserted.last_insert_id)
}

/// How many rows the project table and the tables that refer to it hold.
async fn project_rows(db: &DatabaseConnection) -> [u64; 4] {
    use entity::{project, project_country, project_partner, vacancy};
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};

    // Counts select one column: the columns later migrations add are not there yet.
    [
        project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .count(db)
            .await
            .unwrap(),
        project_country::Entity::find().count(db).await.unwrap(),
        project_partner::Entity::find()
            .select_only()
            .column(project_partner::Column::Id)
            .count(db)
            .await
            .unwrap(),
        vacancy::Entity::find()
            .select_only()
            .column(vacancy::Column::Id)
            .filter(vacancy::Column::ProjectId.is_not_null())
            .count(db)
            .await
            .unwrap(),
    ]
}

/// Migration 000018 makes a project code unique per lead organisation. On SQLite it rebuilds the
/// `project` table: with foreign keys on, a careless rebuild would delete every country,
/// partnership and vacancy link of every project. Up and down keep every row, ids included;
/// down refuses, changing nothing, while two organisations share a code. (Migration 000023
/// rebuilds `project_partner` on SQLite the same way, so its down and up run here too.)
#[tokio::test]
async fn project_codes_become_unique_per_organisation_and_the_rebuild_keeps_every_row() {
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name().ends_with("_project_code_per_organisation"))
        .expect("the migration is listed") as u32;
    for database in TestDatabase::all().await {
        let backend = database.backend();
        let db = database.connect().await;
        crate::helpers::demo_data_before(&db, before).await;
        let (iom, ilo) = (
            organisation_id(&db, "IOM").await,
            organisation_id(&db, "ILO").await,
        );
        // Before: a code is unique across all projects.
        assert!(
            insert_project(&db, ilo, "ORION").await.is_err(),
            "{backend}"
        );
        let rows = project_rows(&db).await;
        assert!(rows.iter().all(|n| *n > 0), "{backend} {rows:?}");

        Migrator::up(&db, None).await.expect("up");
        assert_eq!(project_rows(&db).await, rows, "{backend}: up lost rows");
        let manager = sea_orm_migration::SchemaManager::new(&db);
        for index in [
            "ux_project_code_lead_organisation_id",
            "ix_project_lead_organisation_id",
            "ix_project_status",
        ] {
            assert!(
                manager.has_index("project", index).await.unwrap(),
                "{backend} {index}"
            );
        }
        // Two organisations may each have an ORION, one organisation only one.
        let ilo_orion = insert_project(&db, ilo, "ORION")
            .await
            .expect("ILO's ORION");
        assert!(
            insert_project(&db, iom, "ORION").await.is_err(),
            "{backend}"
        );
        assert!(
            insert_project(&db, ilo, "ORION").await.is_err(),
            "{backend}"
        );
        // Foreign keys are still enforced on the pool's connections after the rebuild.
        let orphan = entity::project_country::ActiveModel {
            project_id: sea_orm::Set(999_999),
            country_code: sea_orm::Set("MA".to_owned()),
            ..Default::default()
        };
        assert!(
            sea_orm::ActiveModelTrait::insert(orphan, &db)
                .await
                .is_err(),
            "{backend}"
        );

        // Down refuses while two projects share a code, and changes nothing.
        let ours = Migrator::migrations().len() as u32 - before;
        assert!(Migrator::down(&db, Some(ours)).await.is_err(), "{backend}");
        assert!(
            manager
                .has_index("project", "ux_project_code_lead_organisation_id")
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            insert_project(&db, iom, "ORION").await.is_err(),
            "{backend}"
        );
        {
            use sea_orm::EntityTrait;
            entity::project::Entity::delete_by_id(ilo_orion)
                .exec(&db)
                .await
                .unwrap();
        }
        // On SQLite the migrations after it were rolled back before it refused: down to it only.
        let ours = Migrator::get_applied_migrations(&db).await.unwrap().len() as u32 - before;
        Migrator::down(&db, Some(ours)).await.expect("down");
        assert_eq!(project_rows(&db).await, rows, "{backend}: down lost rows");
        assert!(
            !manager
                .has_index("project", "ux_project_code_lead_organisation_id")
                .await
                .unwrap(),
            "{backend}"
        );
        assert!(
            insert_project(&db, ilo, "ORION").await.is_err(),
            "{backend}: the code is unique across projects again"
        );
        // An id once given is never given again, even after a rebuild of the table.
        let next = insert_project(&db, ilo, "NEW").await.unwrap();
        assert!(next > ilo_orion, "{backend}: {next} after {ilo_orion}");

        Migrator::up(&db, None).await.expect("up again");
        assert_eq!(project_rows(&db).await[1..], rows[1..], "{backend}");
        db.close().await.ok();
    }
}

/// Migration 000022 lets a duty station be a whole country and a competency be functional; on
/// SQLite it rebuilds `vacancy_duty_station` and `competency`. The rebuild keeps every row and
/// index, and the foreign keys; down refuses, changing nothing, while a row needs the change.
#[tokio::test]
async fn country_only_stations_and_functional_competencies_migrate_up_and_down() {
    let ours = Migrator::migrations()
        .iter()
        .position(|m| m.name().ends_with("_notice_details"))
        .expect("the migration is listed") as u32;
    for database in TestDatabase::all().await {
        let backend = database.backend();
        let db = database.connect().await;
        Migrator::up(&db, None).await.expect("up");
        jobboard::seed::load_demo(&db).await.expect("demo data");
        let count = |sql: &'static str| {
            let db = &db;
            async move {
                let row = db
                    .query_one(sea_orm::Statement::from_string(
                        db.get_database_backend(),
                        sql,
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                row.try_get_by_index::<i64>(0).unwrap()
            }
        };
        let stations = count("SELECT COUNT(*) FROM vacancy_duty_station").await;
        let competencies = count("SELECT COUNT(*) FROM competency").await;
        let links = count("SELECT COUNT(*) FROM vacancy_competency").await;
        assert!(
            count("SELECT COUNT(*) FROM vacancy_duty_station WHERE city IS NULL").await > 0,
            "{backend}: the demo has country-only stations"
        );
        db.execute_unprepared("UPDATE competency SET kind = 'FUNCTIONAL' WHERE code = 'TEAMWORK'")
            .await
            .expect("a functional competency");
        assert!(
            db.execute_unprepared("UPDATE competency SET kind = 'OTHER' WHERE code = 'TEAMWORK'")
                .await
                .is_err(),
            "{backend}: kinds are still checked"
        );

        // Down refuses while a competency is functional, and changes nothing.
        let later = Migrator::migrations().len() as u32 - ours;
        assert!(Migrator::down(&db, Some(later)).await.is_err(), "{backend}");
        assert_eq!(
            count("SELECT COUNT(*) FROM vacancy_duty_station").await,
            stations,
            "{backend}"
        );
        db.execute_unprepared("UPDATE competency SET kind = 'CORE' WHERE code = 'TEAMWORK'")
            .await
            .unwrap();
        // On SQLite the migrations after it were rolled back before it refused.
        let applied = Migrator::get_applied_migrations(&db).await.unwrap().len() as u32;
        // Still refused while a duty station has no city.
        assert!(
            Migrator::down(&db, Some(applied - ours)).await.is_err(),
            "{backend}"
        );
        db.execute_unprepared(
            "UPDATE vacancy_duty_station SET city = country_code WHERE city IS NULL",
        )
        .await
        .unwrap();
        let applied = Migrator::get_applied_migrations(&db).await.unwrap().len() as u32;
        Migrator::down(&db, Some(applied - ours))
            .await
            .expect("down");
        assert!(
            db.execute_unprepared("UPDATE vacancy_duty_station SET city = NULL")
                .await
                .is_err(),
            "{backend}: a city is required again"
        );
        Migrator::up(&db, None).await.expect("up again");
        assert_eq!(
            [
                count("SELECT COUNT(*) FROM vacancy_duty_station").await,
                count("SELECT COUNT(*) FROM competency").await,
                count("SELECT COUNT(*) FROM vacancy_competency").await,
            ],
            [stations, competencies, links],
            "{backend}: rows lost"
        );
        let manager = sea_orm_migration::SchemaManager::new(&db);
        for (table, index) in [
            ("vacancy_duty_station", "ix_vacancy_duty_station_vacancy_id"),
            (
                "vacancy_duty_station",
                "ix_vacancy_duty_station_country_code",
            ),
            ("competency", "ux_competency_organisation_id_code"),
            ("competency", "ux_competency_global_code"),
            ("competency", "ix_competency_kind"),
        ] {
            assert!(
                manager.has_index(table, index).await.unwrap(),
                "{backend} {index}"
            );
        }
        db.execute_unprepared(
            "UPDATE vacancy_duty_station SET city = NULL WHERE city = country_code",
        )
        .await
        .expect("a country without a city again");
        // Foreign keys are still enforced after the rebuild.
        assert!(
            db.execute_unprepared(
                "INSERT INTO vacancy_duty_station (vacancy_id, city, country_code, sort_order) \
                 VALUES (999999, NULL, 'MA', 0)"
            )
            .await
            .is_err(),
            "{backend}"
        );
        db.close().await.ok();
    }
}
