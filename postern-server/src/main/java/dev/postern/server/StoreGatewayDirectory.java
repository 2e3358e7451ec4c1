package dev.postern.server;

import dev.postern.gateway.DeployedSecrets;
import dev.postern.gateway.GatewayDirectory;
import dev.postern.gateway.MachineRecord;
import dev.postern.ssh.CertificateRefusedException;
import dev.postern.ssh.OpenSshKeys;
import dev.postern.ssh.RevocationList;
import dev.postern.store.App;
import dev.postern.store.Machine;
import dev.postern.store.Org;
import dev.postern.store.OrgAuthority;
import dev.postern.store.Person;
import dev.postern.store.Store;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's view of the control plane, over the store. CA keys and revocation lists are cached and
 * dropped by {@link #authoritiesChanged()}, {@link #revocationsChanged(String)} and {@link #accessChanged(String)},
 * which the API calls
 * when it changes them; membership and machines are read from the store on each use. A cached entry is also
 * reloaded once it is older than {@link #MAX_AGE}, so that a change made through another process sharing the
 * store (which cannot call those hooks here) is in force within that bound, as the agents' poll is.
 */
final class StoreGatewayDirectory implements GatewayDirectory {
    /** How long a cached CA map or revocation list is used without asking the store again. */
    static final Duration MAX_AGE = Duration.ofSeconds(30);

    private final Store store;
    private final Clock clock;
    private final AppSecrets secrets;
    private final HostCertRenewal renewal;
    private volatile Authorities authorities;
    private final Map<String, Cached<RevocationList>> revocations = new ConcurrentHashMap<>();
    /** Per org: e-mail to the apps the member holds grants on. */
    private final Map<String, Cached<Map<String, java.util.Set<String>>>> grants = new ConcurrentHashMap<>();

    /** CA keys of every org, as loaded at {@code loadedAt}. */
    private record Authorities(Map<String, String> userCaOrgs, Map<String, List<PublicKey>> hostCas,
                               Instant loadedAt) {
    }

    private record Cached<T>(T value, Instant loadedAt) {
    }

    /** A directory that renews no host certificates and hands out no secrets. */
    StoreGatewayDirectory(Store store, Clock clock) {
        this(store, clock, null, null);
    }

    StoreGatewayDirectory(Store store, Clock clock, HostCertRenewal renewal) {
        this(store, clock, renewal, null);
    }

    StoreGatewayDirectory(Store store, Clock clock, HostCertRenewal renewal, AppSecrets secrets) {
        this.store = store;
        this.clock = clock;
        this.renewal = renewal;
        this.secrets = secrets;
    }

    /** Read from the store on each ask (at tunnel start and after a deploy), never cached. */
    @Override
    public DeployedSecrets deployedSecrets(String org, String app) {
        if (secrets == null) {
            return DeployedSecrets.NONE;
        }
        Optional<Org> o = store.orgs().byName(org);
        Optional<App> a = o.flatMap(x -> store.apps().byName(x.id(), app));
        return a.map(x -> secrets.deployed(store, x.id())).orElse(DeployedSecrets.NONE);
    }

    @Override
    public String renewHostCertificate(MachineRecord machine, PublicKey hostKey) throws CertificateRefusedException {
        if (renewal == null) {
            throw new CertificateRefusedException("this control plane does not renew host certificates");
        }
        return renewal.renew(machine.id(), hostKey);
    }

    void authoritiesChanged() {
        authorities = null;
        revocations.clear();
    }

    void revocationsChanged(String org) {
        revocations.remove(org);
    }

    /** Drops the cached access grants of {@code org}; the API calls it on every grant and revocation. */
    void accessChanged(String org) {
        grants.remove(org);
    }

    @Override
    public Optional<String> userCaOrg(PublicKey caKey) {
        return Optional.ofNullable(authorities().userCaOrgs().get(OpenSshKeys.toLine(caKey)));
    }

    @Override
    public List<PublicKey> hostCaKeys(String org) {
        return authorities().hostCas().getOrDefault(org, List.of());
    }

    @Override
    public RevocationList revocations(String org) {
        Instant now = clock.instant();
        Cached<RevocationList> cached = revocations.get(org);
        if (cached != null && fresh(cached.loadedAt(), now)) {
            return cached.value(); // the common case takes no lock
        }
        return revocations.compute(org, (o, c) -> c != null && fresh(c.loadedAt(), now) ? c
                : new Cached<>(loadRevocations(o), now)).value();
    }

    @Override
    public Optional<MachineRecord> machine(String machineId) {
        Optional<Machine> m = store.machines().byId(machineId);
        // a removed machine is nobody: no tunnel login, no route to it
        if (m.isEmpty() || m.get().removed()) {
            return Optional.empty();
        }
        Org org = store.orgs().byId(m.get().orgId()).orElseThrow();
        String app = store.apps().forOrg(org.id()).stream().filter(a -> a.id() == m.get().appId()).map(App::name)
                .findFirst().orElseThrow();
        return Optional.of(new MachineRecord(org.name(), app, machineId));
    }

    @Override
    public boolean isMember(String org, String email) {
        Optional<Org> o = store.orgs().byName(org);
        Optional<Person> p = store.people().byEmail(email);
        return o.isPresent() && p.isPresent() && store.orgs().membership(o.get().id(), p.get().id()).isPresent();
    }

    /**
     * Owners and admins reach every app; members those they hold a grant on. The role is read from the store each
     * time (as membership is), the grants from a cache the API drops on each change.
     */
    @Override
    public boolean mayReach(String org, String email, String app) {
        Optional<Org> o = store.orgs().byName(org);
        Optional<Person> p = store.people().byEmail(email);
        if (o.isEmpty() || p.isEmpty()) {
            return false;
        }
        Optional<dev.postern.store.Membership> m = store.orgs().membership(o.get().id(), p.get().id());
        if (m.isEmpty()) {
            return false;
        }
        if (m.get().role().isAdmin()) {
            return true;
        }
        Instant now = clock.instant();
        Cached<Map<String, java.util.Set<String>>> cached = grants.get(org);
        if (cached == null || !fresh(cached.loadedAt(), now)) {
            cached = grants.compute(org, (k, c) -> c != null && fresh(c.loadedAt(), now) ? c
                    : new Cached<>(loadGrants(o.get().id()), now));
        }
        return cached.value().getOrDefault(m.get().email(), java.util.Set.of()).contains(app);
    }

    private Map<String, java.util.Set<String>> loadGrants(long orgId) {
        Map<String, java.util.Set<String>> byEmail = new HashMap<>();
        for (dev.postern.store.AccessGrant g : store.accessGrants().forOrg(orgId)) {
            byEmail.computeIfAbsent(g.email(), e -> new java.util.HashSet<>()).add(g.app());
        }
        Map<String, java.util.Set<String>> frozen = new HashMap<>();
        byEmail.forEach((e, apps) -> frozen.put(e, java.util.Set.copyOf(apps)));
        return Map.copyOf(frozen);
    }

    @Override
    public void machineOnline(String machineId, boolean online, Instant at) {
        store.machines().setOnline(machineId, online, at);
    }

    private boolean fresh(Instant loadedAt, Instant now) {
        return now.isBefore(loadedAt.plus(MAX_AGE)) && !now.isBefore(loadedAt);
    }

    private Authorities authorities() {
        Authorities a = authorities;
        if (a == null || !fresh(a.loadedAt(), clock.instant())) {
            a = load();
        }
        return a;
    }

    private synchronized Authorities load() {
        Authorities current = authorities;
        Instant now = clock.instant();
        if (current != null && fresh(current.loadedAt(), now)) {
            return current; // another thread loaded it while this one waited
        }
        Map<String, String> users = new HashMap<>();
        Map<String, List<PublicKey>> hosts = new HashMap<>();
        for (OrgAuthority a : store.authorities().all()) {
            String org = store.orgs().byId(a.orgId()).map(Org::name).orElseThrow();
            users.put(OpenSshKeys.toLine(OpenSshKeys.parsePublicKey(a.userCaPublicKey())), org);
            hosts.put(org, List.of(OpenSshKeys.parsePublicKey(a.hostCaPublicKey())));
        }
        Authorities loaded = new Authorities(Map.copyOf(users), Map.copyOf(hosts), now);
        authorities = loaded;
        return loaded;
    }

    private RevocationList loadRevocations(String orgName) {
        Optional<Org> org = store.orgs().byName(orgName);
        Optional<OrgAuthority> ca = org.flatMap(o -> store.authorities().forOrg(o.id()));
        if (ca.isEmpty()) {
            return RevocationList.empty();
        }
        return RevocationList.parse(OrgKrl.build(store, orgName, ca.get()));
    }
}
