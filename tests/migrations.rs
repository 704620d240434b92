use migration::{Migrator, MigratorTrait};
use sea_orm::Database;

use crate::helpers::TestDatabase;

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    for database in TestDatabase::all().await {
        let db = Database::connect(database.url()).await.expect("connect");
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
