package dev.postern.gateway;

import java.util.Optional;

/**
 * Where a person's {@code direct-tcpip} channel may go: port 22 of {@code <id>.vm.<app>.internal} (that machine,
 * never another) or of {@code <app>.internal} (any online machine of the app), only within the person's org,
 * and only while their certificate is unrevoked, they are still a member and may reach the app (owners and
 * admins, or a member with an access grant on it).
 */
final class Router {
    /** A refusal: {@code message} goes to the SSH client, {@code detail} to the log. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final String detail;

        Refusal(String message, String detail) {
            super(message);
            this.detail = detail;
        }
    }

    private final GatewayDirectory directory;
    private final Tunnels tunnels;

    Router(GatewayDirectory directory, Tunnels tunnels) {
        this.directory = directory;
        this.tunnels = tunnels;
    }

    Tunnels.Tunnel route(GatewayLogin login, String host, int port) throws Refusal {
        if (!(login instanceof GatewayLogin.Person)) {
            throw new Refusal("machines may not open channels at the gateway", "direct-tcpip from a machine");
        }
        GatewayLogin.Person person = (GatewayLogin.Person) login;
        if (directory.revocations(person.org()).isRevoked(person.certificate())) {
            throw new Refusal("certificate revoked", "certificate of " + person.email() + " revoked since login");
        }
        if (!directory.isMember(person.org(), person.email())) {
            throw new Refusal("not a member", person.email() + " is no longer a member of " + person.org());
        }
        Optional<Names.Target> target = Names.parse(host);
        if (target.isEmpty() || port != Names.SSH_PORT) {
            throw new Refusal("the gateway only connects to <id>.vm.<app>.internal:22 or <app>.internal:22, not "
                    + printableTarget(host, port), "target not internal");
        }
        Names.Target t = target.get();
        if (!directory.mayReach(person.org(), person.email(), t.app())) {
            // same words whether the app exists or not: a member learns nothing about apps they may not reach
            throw new Refusal("no access to app " + t.app() + "; ask an owner or admin of org " + person.org()
                    + " for 'postern access grant --app " + t.app() + "'", person.email() + " has no grant on app "
                    + t.app());
        }
        if (t.machineId().isPresent()) {
            String id = t.machineId().get();
            Optional<MachineRecord> machine = directory.machine(id);
            // Same words whether the machine is elsewhere or nowhere: do not reveal other orgs' machines.
            if (machine.isEmpty() || !machine.get().org().equals(person.org()) || !machine.get().app().equals(t.app())) {
                throw new Refusal("no machine " + id + " in app " + t.app(),
                        machine.isEmpty() ? "unknown machine" : "machine of another org or app");
            }
            return tunnels.get(id).orElseThrow(() -> new Refusal("machine " + id + " is offline", "no tunnel"));
        }
        return tunnels.anyOf(person.org(), t.app()).orElseThrow(() -> new Refusal(
                "no machine of app " + t.app() + " is online", "no tunnel for app"));
    }

    private static String printableTarget(String host, int port) {
        String h = GatewayAuthenticator.printable(host);
        return (h.length() > 80 ? h.substring(0, 80) + "..." : h) + ":" + port;
    }
}
