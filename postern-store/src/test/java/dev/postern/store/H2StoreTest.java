package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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

    @Test
    void databaseFilesAreMadePrivateEvenUnderAnOpenUmask() throws IOException {
        store.close();
        store = null;
        // an earlier version left them as H2 made them: 0644 under the usual umask
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        store = openStore();
        store.orgs().create("acme", clock.instant());
        try (Stream<Path> files = Files.list(dataDir)) {
            List<Path> all = files.toList();
            assertThat(all).extracting(p -> p.getFileName().toString()).contains("postern.mv.db");
            for (Path f : all) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void onlyFileUrlsNameTheirFiles() {
        assertThat(StoreConfig.h2(dataDir).h2FileBase()).contains(dataDir.toAbsolutePath().resolve("postern"));
        assertThat(StoreConfig.parse("jdbc:h2:file:/srv/db/p;USER=x").h2FileBase()).contains(Path.of("/srv/db/p"));
        assertThat(StoreConfig.parse("jdbc:h2:/srv/db/q").h2FileBase()).contains(Path.of("/srv/db/q"));
        assertThat(StoreConfig.parse("jdbc:h2:mem:x").h2FileBase()).isEmpty();
        assertThat(StoreConfig.parse("jdbc:h2:tcp://localhost/x").h2FileBase()).isEmpty();
        assertThat(StoreConfig.parse("jdbc:postgresql://h/db").h2FileBase()).isEmpty();
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
