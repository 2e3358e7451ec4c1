package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host certificate file replaced on disk takes over after the check interval only when it is a HOST
 * certificate for this host key, signed by its CA and not expired; every other replacement keeps the last good
 * one and logs one warning naming the file and the fix. Certificates are made by the real ssh-keygen.
 */
class HostCertFileTest {
    @TempDir
    Path dir;
    MutableClock clock = MutableClock.atWallTime();
    TestCa hostCa;
    Path hostKey;
    HostKeys keys;
    Path file;

    @BeforeEach
    void setUp() throws Exception {
        hostCa = new TestCa(dir, "host_ca");
        keys = HostKeys.loadOrCreate(dir.resolve("data"));
        hostKey = dir.resolve("data").resolve(HostKeys.KEY_FILE);
        file = dir.resolve("data").resolve(HostKeys.KEY_FILE + "-cert.pub");
        install(hostCert("1"));
    }

    private Path hostCert(String serial, String... validity) {
        return hostCa.sign(hostKey, "host-" + serial, "-h", "-n", "127.0.0.1", "-z", serial,
                "-V", validity.length == 0 ? "-5m:+1h" : validity[0]);
    }

    /** Replaces the file the way cron should: a new file renamed over the old. */
    private void install(Path replacement) throws Exception {
        Path tmp = Files.copy(replacement, file.resolveSibling("cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
        // the watcher looks at size and mtime; make the change visible on coarse file-system clocks
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(System.currentTimeMillis() + (long) (Math.random() * 1e6)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private HostCertFile watch() throws Exception {
        return HostCertFile.watch(file, keys.publicKey(), clock, WatchedFile.Guard.NONE);
    }

    private long serialAfterTheInterval(HostCertFile cert) {
        clock.advance(WatchedFile.CHECK_INTERVAL);
        return cert.get().getSerial();
    }

    @Test
    void aRenewedCertificateIsPresentedAfterTheCheckInterval() throws Exception {
        HostCertFile cert = watch();
        assertThat(cert.get().getSerial()).isEqualTo(1);
        install(hostCert("2"));
        assertThat(cert.get().getSerial()).as("within the interval").isEqualTo(1);
        assertThat(serialAfterTheInterval(cert)).isEqualTo(2);
        install(hostCert("3", "+1h:+2h"));
        assertThat(serialAfterTheInterval(cert)).as("valid later is accepted, as ssh-keygen -V +1h makes it")
                .isEqualTo(2);
        clock.advance(Duration.ofHours(1));
        assertThat(cert.get().getSerial()).as("presented once valid").isEqualTo(3);
    }

    /**
     * Clients refuse a certificate before its time: a renewal valid only from later (a typo in the year) must not
     * replace the one still valid, or every new connection is refused until then.
     */
    @Test
    void aReplacementValidOnlyLaterWaitsWhileTheCurrentOneIsValid() throws Exception {
        HostCertFile cert = watch();
        install(hostCert("2", "+3650d:+3660d"));
        try (LogCapture log = new LogCapture(HostCertFile.class)) {
            assertThat(serialAfterTheInterval(cert)).as("the current one, still valid").isEqualTo(1);
            assertThat(serialAfterTheInterval(cert)).isEqualTo(1);
            assertThat(log.lines()).as("said once").hasSize(1);
            assertThat(log.lines().get(0)).contains(file.toString(), "is valid from", "serial 1");
        }
        clock.advance(Duration.ofHours(2));
        assertThat(cert.get().getSerial()).as("the current one expired: the later one is all there is")
                .isEqualTo(2);
    }

    @Test
    void badReplacementsKeepTheLastGoodCertificateAndSayWhy() throws Exception {
        HostCertFile cert = watch();
        Path otherKey = hostCa.newUserKey("other_host");
        Path userCert = hostCa.sign(hostKey, "not-a-host", "-n", "root", "-z", "90");
        Path tampered = dir.resolve("tampered-cert.pub");
        String[] parts = Files.readString(hostCert("91")).trim().split(" ");
        byte[] blob = Base64.getDecoder().decode(parts[1]);
        blob[blob.length - 1] ^= 1; // the last byte is the CA's signature
        Files.writeString(tampered, parts[0] + " " + Base64.getEncoder().encodeToString(blob) + "\n");
        Object[][] cases = {
            {userCert, "is a USER certificate", "ssh-keygen -s CA -h"},
            {hostCa.sign(otherKey, "other", "-h", "-n", "x", "-z", "92"), "not this host key", "sign "
                    + HostKeys.KEY_FILE + ".pub"},
            {Files.writeString(dir.resolve("garbage"), "ssh-ed25519-cert-v01@openssh.com bm90IGEgY2VydA==\n"),
                    file.toString(), "host certificate"},
            {hostCert("93", "-2h:-1h"), "expired", "-V"},
            {tampered, "signature does not verify", "ssh-keygen -s HOST_CA -h"},
        };
        try (LogCapture log = new LogCapture(WatchedFile.class)) {
            for (Object[] c : cases) {
                install((Path) c[0]);
                assertThat(serialAfterTheInterval(cert)).as("after %s", c[1]).isEqualTo(1);
                String warning = log.lines().get(log.lines().size() - 1);
                assertThat(warning).as("the warning for %s", c[1]).contains(file.toString(), (String) c[1],
                        (String) c[2], "keeping the last good host certificate");
            }
            install(hostCert("4"));
            assertThat(serialAfterTheInterval(cert)).as("a good file after bad ones").isEqualTo(4);
        }
    }

    @Test
    void aFileTheGuardRefusesIsKeptOutUntilFixedWithoutAnotherChange() throws Exception {
        AtomicReference<String> refusal = new AtomicReference<>();
        WatchedFile.Guard guard = path -> {
            if (refusal.get() != null) {
                throw new IllegalArgumentException(path + ": " + refusal.get());
            }
        };
        HostCertFile cert = HostCertFile.watch(file, keys.publicKey(), clock, guard);
        try (LogCapture log = new LogCapture(WatchedFile.class)) {
            refusal.set("may be written by other users; run chmod go-w");
            install(hostCert("2"));
            assertThat(serialAfterTheInterval(cert)).isEqualTo(1);
            assertThat(serialAfterTheInterval(cert)).isEqualTo(1);
            assertThat(log.lines()).as("one line per problem, not one per check").hasSize(1);
            assertThat(log.lines().get(0)).contains(file.toString(), "chmod go-w");

            refusal.set(null); // chmod changes neither the size nor the modification time
            assertThat(serialAfterTheInterval(cert)).isEqualTo(2);
        }
    }

    @Test
    void aCertificateOfTheWrongKindIsRefusedAtStartToo() throws Exception {
        install(hostCa.sign(hostKey, "not-a-host", "-n", "root"));
        org.assertj.core.api.Assertions.assertThatThrownBy(this::watch)
                .hasMessageContaining("is a USER certificate").hasMessageContaining(file.toString());
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).startsWith("ssh-ed25519-cert");
    }
}
