package dev.postern.store;

/** The sub-stores bound to one source of connections (the pool, or one transaction). */
final class SubStores {
    final PersonStore people;
    final TokenStore tokens;
    final OrgStore orgs;
    final AppStore apps;
    final AuthorityStore authorities;
    final CertificateStore certificates;
    final AuditStore audit;
    final SettingStore settings;
    final MachineStore machines;
    final JoinTokenStore joinTokens;
    final AccessGrantStore accessGrants;
    final JdbcCallerLookup callers;
    final SecretStore secrets;

    SubStores(Connections db) {
        people = new JdbcPersonStore(db);
        tokens = new JdbcTokenStore(db);
        orgs = new JdbcOrgStore(db);
        apps = new JdbcAppStore(db);
        authorities = new JdbcAuthorityStore(db);
        certificates = new JdbcCertificateStore(db);
        audit = new JdbcAuditStore(db);
        settings = new JdbcSettingStore(db);
        machines = new JdbcMachineStore(db);
        joinTokens = new JdbcJoinTokenStore(db);
        accessGrants = new JdbcAccessGrantStore(db);
        callers = new JdbcCallerLookup(db);
        secrets = new JdbcSecretStore(db);
    }
}
