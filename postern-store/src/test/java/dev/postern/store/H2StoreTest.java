package dev.postern.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The store contract against embedded H2 in a fresh temporary directory per test. */
class H2StoreTest extends StoreContractTest {
    private Path dataDir;

    @Override
    protected void createDatabase() throws IOException {
        dataDir = Files.createTempDirectory("postern-store-h2");
    }

    @Override
    protected Store openStore() {
        return JdbcStore.open(StoreConfig.h2(dataDir));
    }

    @Override
    protected void dropDatabase() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
