/**
 * Postern's persistent state: the {@link dev.postern.store.Store} contract (people, tokens, orgs and
 * members, apps, per-org CA keys, the certificate log with revocations, the audit trail, settings) and
 * its one implementation, {@link dev.postern.store.JdbcStore}, for embedded H2 and PostgreSQL.
 *
 * <pre>{@code
 * try (Store store = JdbcStore.open(StoreConfig.parse(dbUrl))) {   // or StoreConfig.h2(dataDir)
 *     long serial = store.certificates().nextSerial();
 * }
 * }</pre>
 *
 * <p>Layout: one {@code Jdbc...Store} per sub-store, each SQL plus row mapping; {@code Connections}
 * decides whether a call runs on a pooled auto-commit connection or on the connection of the current
 * transaction. The schema lives in Flyway migrations under {@code db/migration}, written in the SQL that
 * H2 and PostgreSQL share, so there is one set of files and one contract test suite
 * ({@code StoreContractTest}) that runs against both.
 */
package dev.postern.store;
