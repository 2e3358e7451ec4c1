package dev.postern.server;

import dev.postern.common.Role;
import dev.postern.store.AuditEvent;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.JdbcStore;
import dev.postern.store.StoreConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Child process for {@link IssuanceLogCrashIT}: eight threads issue through one group-committing
 * {@link IssuanceLog} and print each serial only after {@code append} returned (the point where the API
 * answers), until the process is killed or a bounded number of entries is written.
 * Argument: the data directory.
 */
public final class IssuanceLogCrashChild {
    private IssuanceLogCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JdbcStore store = JdbcStore.open(StoreConfig.h2(Path.of(args[0])));
        Instant at = Instant.parse("2025-03-01T10:00:00Z");
        long orgId = store.orgs().create("acme", at).id();
        long personId = store.people().create("alice@example.com", at).id();
        store.orgs().addMember(orgId, personId, Role.MEMBER, "alice", at);
        Serials serials = new Serials(store, Serials.BLOCK);
        IssuanceLog log = new IssuanceLog(store);
        out.println("ready");
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    long s = serials.next();
                    log.append(new IssuanceLog.Entry(new IssuedCertificate(s, orgId, personId, "k" + s, List.of("alice"),
                            "SHA256:x", at, at.plusSeconds(3600), "alice@example.com", at, null, null),
                            new AuditEvent(0, at, "alice@example.com", "acme", "certificate.issue", "k" + s, "test",
                                    null),
                            "alice"));
                    synchronized (out) {
                        out.println("acknowledged " + s);
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        // never closed on purpose: the parent kills this process long before
    }
}
