package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.testing.ProcessResult;
import dev.postern.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * KRLs made by the real {@code ssh-keygen -k} must give the same answer as {@code ssh-keygen -Q} for every
 * certificate in a set that covers serial lists, ranges, bitmaps, key ids, wildcard CA sections, plain
 * keys, serial 0 and other CAs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationListOracleIT {
    @TempDir
    static Path dir;
    TestCa ca;
    TestCa otherCa;
    final Map<Path, OpenSshCertificate> certs = new LinkedHashMap<>();
    Path plainKey;

    @BeforeAll
    void makeCertificates() {
        ca = new TestCa(dir, "ca");
        otherCa = new TestCa(dir, "other");
        Path user = ca.newUserKey("user");
        plainKey = ca.newUserKey("plain");
        long[] serials = {0, 1, 2, 3, 5, 8, 9, 10, 11, 20, 21, 33, 64, 65, 100, 101, 102, 500, 1000, 1001,
            123456789, Long.parseUnsignedLong("18446744073709551615")};
        for (long s : serials) {
            put(ca.sign(user, "id-" + s, "-n", "alice", "-z", Long.toUnsignedString(s)));
        }
        put(ca.sign(user, "mallory", "-n", "alice", "-z", "7"));
        put(ca.sign(user, "eve", "-n", "alice", "-z", "0"));
        put(otherCa.sign(user, "mallory", "-n", "alice", "-z", "5"));
        put(otherCa.sign(user, "id-other", "-n", "alice", "-z", "10"));
        put(ca.sign(plainKey, "plain-cert", "-n", "alice", "-z", "4242"));
    }

    private void put(Path cert) {
        certs.put(cert, TestCa.read(cert));
    }

    @Test
    void serialList() throws Exception {
        compare("serial: 1\nserial: 9\nserial: 500\nserial: 18446744073709551615\n", true);
    }

    @Test
    void serialRanges() throws Exception {
        compare("serial: 10-21\nserial: 100-1000\n", true);
    }

    @Test
    void denseSerialsBecomeABitmap() throws Exception {
        StringBuilder spec = new StringBuilder();
        for (int s = 1; s <= 130; s += 2) {
            spec.append("serial: ").append(s).append('\n');
        }
        spec.append("serial: 64\n");
        compare(spec.toString(), true);
    }

    @Test
    void keyIds() throws Exception {
        compare("id: mallory\nid: id-33\nid: eve\n", true);
    }

    @Test
    void wildcardKeyIdsApplyToEveryCa() throws Exception {
        compare("id: mallory\nid: id-other\n", false);
    }

    @Test
    void plainKeyRevokesItsCertificates() throws Exception {
        String pub = Files.readString(plainKey.resolveSibling("plain.pub")).trim();
        compare(pub + "\n", true);
    }

    @Test
    void sha256HashOfTheCaKeyRevokesAllItsCertificates() throws Exception {
        ProcessResult fp = Processes.run(TestCa.TIMEOUT, List.of("ssh-keygen", "-l", "-E", "sha256", "-f",
                otherCa.caPublicKeyFile().toString()));
        String hash = fp.stdout().split(" ")[1];
        compare("hash: " + hash + "\n", true);
    }

    @Test
    void updatedKrlAddsToTheOldOne() throws Exception {
        Path krl = makeKrl("serial: 2\n", true, null);
        makeKrl("id: id-64\nserial: 3-5\n", true, krl);
        assertSameAsSshKeygen(krl);
    }

    @Test
    void emptyKrl() throws Exception {
        compare("", true);
        assertThat(RevocationList.empty().isRevoked(certs.values().iterator().next())).isFalse();
    }

    private void compare(String spec, boolean withCa) throws Exception {
        assertSameAsSshKeygen(makeKrl(spec, withCa, null));
    }

    private Path makeKrl(String spec, boolean withCa, Path update) throws Exception {
        Path specFile = Files.createTempFile(dir, "spec", ".txt");
        Files.writeString(specFile, spec);
        Path krl = update != null ? update : dir.resolve(specFile.getFileName() + ".krl");
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-k", "-f", krl.toString()));
        if (update != null) {
            cmd.add("-u");
        }
        // "-s none" is ssh-keygen's way to write a wildcard-CA section.
        cmd.addAll(List.of("-s", withCa ? ca.caPublicKeyFile().toString() : "none"));
        cmd.add(specFile.toString());
        TestCa.run(cmd);
        return krl;
    }

    private void assertSameAsSshKeygen(Path krlFile) throws Exception {
        RevocationList krl = RevocationList.parse(Files.readAllBytes(krlFile));
        int revoked = 0;
        for (Map.Entry<Path, OpenSshCertificate> e : certs.entrySet()) {
            ProcessResult q = Processes.run(Duration.ofSeconds(30),
                    List.of("ssh-keygen", "-Q", "-f", krlFile.toString(), e.getKey().toString()));
            assertThat(q.exitCode()).as(q.toString()).isIn(0, 1);
            boolean expected = q.stdout().contains("REVOKED");
            assertThat(expected).as("ssh-keygen exit code agrees with its output: " + q).isEqualTo(q.exitCode() == 1);
            OpenSshCertificate cert = e.getValue();
            assertThat(krl.isRevoked(cert))
                    .as("%s (id %s, serial %s) revoked", e.getKey().getFileName(), cert.getId(),
                            Long.toUnsignedString(cert.getSerial()))
                    .isEqualTo(expected);
            revoked += expected ? 1 : 0;
        }
        assertThat(revoked).as("a KRL test should revoke something, or be the empty case").isGreaterThanOrEqualTo(0);
    }
}
