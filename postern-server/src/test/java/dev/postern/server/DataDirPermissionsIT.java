package dev.postern.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.common.api.CreateOrgRequest;
import dev.postern.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data dir holds the master key and the embedded database: nobody but its owner may read it. */
class DataDirPermissionsIT {
    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.atWallTime();

    @Test
    void aWorldReadableDataDirAndDatabaseAreMadePrivateAtStart() throws Exception {
        Path data = dir.resolve("data");
        // as an older version or a careless admin left it: 0755 dir, 0644 database files
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (ControlPlane cp = ControlPlane.start(ControlPlaneConfig.local(data, clock))) {
            assertPrivate(data);
            Http http = new Http(cp.baseUrl());
            String boss = http.post("/v1/auth/login", cp.bootstrapToken().orElseThrow(), null).json().get("token")
                    .asText();
            assertThat(http.post("/v1/orgs", boss, new CreateOrgRequest("acme")).status()).isEqualTo(201);
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path f : files(data)) {
            if (f.getFileName().toString().startsWith("postern.")) { // a readable master.key stops the start: tested
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        try (ControlPlane cp = ControlPlane.start(ControlPlaneConfig.local(data, clock))) {
            assertPrivate(data);
        }
    }

    private static void assertPrivate(Path data) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        List<Path> files = files(data);
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("postern.mv.db", "master.key");
        for (Path f : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                    .isEqualTo("rw-------");
        }
    }

    private static List<Path> files(Path data) throws Exception {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
