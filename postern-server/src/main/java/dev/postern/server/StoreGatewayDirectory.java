package dev.postern.server;

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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's view of the control plane, over the store. CA keys and revocation lists are cached and
 * dropped by {@link #authoritiesChanged()} and {@link #revocationsChanged(String)}, which the API calls
 * when it changes them; membership and machines are read from the store on each use.
 */
final class StoreGatewayDirectory implements GatewayDirectory {
    private final Store store;
    private volatile Map<String, String> userCaOrgs;
    private volatile Map<String, List<PublicKey>> hostCas;
    private final Map<String, RevocationList> revocations = new ConcurrentHashMap<>();

    private final HostCertRenewal renewal;

    StoreGatewayDirectory(Store store, HostCertRenewal renewal) {
        this.store = store;
        this.renewal = renewal;
    }

    @Override
    public String renewHostCertificate(MachineRecord machine, PublicKey hostKey) throws CertificateRefusedException {
        if (renewal == null) {
            throw new CertificateRefusedException("this control plane does not renew host certificates");
        }
        return renewal.renew(machine.id(), hostKey);
    }

    void authoritiesChanged() {
        userCaOrgs = null;
        hostCas = null;
        revocations.clear();
    }

    void revocationsChanged(String org) {
        revocations.remove(org);
    }

    @Override
    public Optional<String> userCaOrg(PublicKey caKey) {
        return Optional.ofNullable(userCaOrgs().get(OpenSshKeys.toLine(caKey)));
    }

    @Override
    public List<PublicKey> hostCaKeys(String org) {
        return hostCas().getOrDefault(org, List.of());
    }

    @Override
    public RevocationList revocations(String org) {
        return revocations.computeIfAbsent(org, this::loadRevocations);
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

    @Override
    public void machineOnline(String machineId, boolean online, Instant at) {
        store.machines().setOnline(machineId, online, at);
    }

    private Map<String, String> userCaOrgs() {
        Map<String, String> m = userCaOrgs;
        if (m == null) {
            load();
            m = userCaOrgs;
        }
        return m;
    }

    private Map<String, List<PublicKey>> hostCas() {
        Map<String, List<PublicKey>> m = hostCas;
        if (m == null) {
            load();
            m = hostCas;
        }
        return m;
    }

    private synchronized void load() {
        Map<String, String> users = new HashMap<>();
        Map<String, List<PublicKey>> hosts = new HashMap<>();
        for (OrgAuthority a : store.authorities().all()) {
            String org = store.orgs().byId(a.orgId()).map(Org::name).orElseThrow();
            users.put(OpenSshKeys.toLine(OpenSshKeys.parsePublicKey(a.userCaPublicKey())), org);
            hosts.put(org, List.of(OpenSshKeys.parsePublicKey(a.hostCaPublicKey())));
        }
        userCaOrgs = Map.copyOf(users);
        hostCas = Map.copyOf(hosts);
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
