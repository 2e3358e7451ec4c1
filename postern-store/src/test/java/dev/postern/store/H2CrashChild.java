package dev.postern.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Child process for {@link H2CrashDurabilityIT}: issues certificates one transaction at a time and prints
 * each serial only after its commit returned, until it is killed (or gives up after a bounded run).
 * Arguments: data directory, and optionally a JDBC URL to use instead of {@link StoreConfig#h2}.
 */
public final class H2CrashChild {
    private H2CrashChild() {
    }

    public static void main(String[] args) {
        StoreConfig config = args.length > 1 ? StoreConfig.parse(args[1]) : StoreConfig.h2(Path.of(args[0]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Store store = JdbcStore.open(config);
        Instant at = Instant.parse("2025-03-01T10:00:00Z");
        long orgId = store.inTransaction(tx -> tx.orgs().create("acme", at).id());
        long personId = store.people().create("alice@example.com", at).id();
        out.println("ready");
        for (int i = 0; i < 20_000; i++) {
            long serial = store.inTransaction(tx -> {
                long s = tx.certificates().nextSerial();
                tx.certificates().record(new IssuedCertificate(s, orgId, personId, "k" + s, List.of("alice"),
                        "SHA256:x", at, at.plusSeconds(3600), "alice@example.com", at, null, null));
                return s;
            });
            out.println("committed " + serial);
        }
        // never closed on purpose: the parent kills this process long before
    }
}
