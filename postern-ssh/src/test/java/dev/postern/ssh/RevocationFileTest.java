package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A KRL file is re-read when it changes, and a bad update keeps the last good list. */
class RevocationFileTest {
    @TempDir
    Path dir;
    TestCa ca;
    OpenSshCertificate serial5;
    OpenSshCertificate serial6;
    MutableClock clock = MutableClock.atWallTime();
    Path krl;

    @BeforeEach
    void setUp() {
        ca = new TestCa(dir, "ca");
        Path user = ca.newUserKey("u");
        serial5 = TestCa.read(ca.sign(user, "five", "-n", "a", "-z", "5"));
        serial6 = TestCa.read(ca.sign(user, "six", "-n", "a", "-z", "6"));
        krl = dir.resolve("revoked.krl");
    }

    private void writeKrl(String spec) throws Exception {
        Path specFile = Files.createTempFile(dir, "spec", "");
        Files.writeString(specFile, spec);
        Path tmp = dir.resolve("new.krl");
        Files.deleteIfExists(tmp);
        TestCa.run(List.of("ssh-keygen", "-k", "-f", tmp.toString(), "-s", ca.caPublicKeyFile().toString(),
                specFile.toString()));
        // Different sizes or mtimes are what the file watcher looks at; bump mtime to be safe on coarse clocks.
        Files.move(tmp, krl, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(krl, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + (long) (Math.random() * 100_000)));
    }

    @Test
    void changesAreSeenAfterTheCheckInterval() throws Exception {
        writeKrl("serial: 5\n");
        RevocationFile file = RevocationFile.required(krl, clock);
        assertThat(file.get().isRevoked(serial5)).isTrue();
        assertThat(file.get().isRevoked(serial6)).isFalse();

        writeKrl("serial: 5\nserial: 6\nid: other\n");
        assertThat(file.get().isRevoked(serial6)).as("not re-read within the interval").isFalse();
        clock.advance(RevocationFile.CHECK_INTERVAL);
        assertThat(file.get().isRevoked(serial6)).as("changed: read once it stays so for a whole check").isFalse();
        clock.advance(RevocationFile.CHECK_INTERVAL);
        assertThat(file.get().isRevoked(serial6)).isTrue();
    }

    /**
     * {@code cp -p}, {@code rsync -t} or {@code install -p} put a new KRL in place with the old one's modification
     * time; revoking serial 6 instead of 5 keeps the size. Seen all the same: the file is a new inode.
     */
    @Test
    void aReplacementWithTheOldSizeAndModificationTimeIsSeen() throws Exception {
        writeKrl("serial: 5\n");
        FileTime before = Files.getLastModifiedTime(krl);
        long size = Files.size(krl);
        RevocationFile file = RevocationFile.required(krl, clock);

        writeKrl("serial: 6\n");
        Files.setLastModifiedTime(krl, before);
        assertThat(Files.size(krl)).as("the attack needs the same size").isEqualTo(size);
        twoChecks(file);

        assertThat(file.get().isRevoked(serial6)).as("serial 6 revoked").isTrue();
    }

    /** The same, written in place (same inode) and {@code touch -d} back: the change time tells it. */
    @Test
    void anInPlaceRewriteTouchedBackToTheOldModificationTimeIsSeen() throws Exception {
        writeKrl("serial: 5\n");
        Path six = dir.resolve("six.krl");
        writeKrl("serial: 6\n");
        Files.copy(krl, six);
        writeKrl("serial: 5\n");
        FileTime before = Files.getLastModifiedTime(krl);
        RevocationFile file = RevocationFile.required(krl, clock);
        awaitNewChangeTime(krl);

        Files.write(krl, Files.readAllBytes(six));
        Files.setLastModifiedTime(krl, before);
        twoChecks(file);

        assertThat(file.get().isRevoked(serial6)).as("serial 6 revoked").isTrue();
        assertThat(file.get().isRevoked(serial5)).isFalse();
    }

    /**
     * A KRL cut after its header is a valid, empty list, and one cut after any section a shorter one: a reader
     * that looks while the operator's tool writes it in place ({@code ssh-keygen -k -u} truncates, then writes)
     * must not un-revoke anyone for a moment. (A writer that stops for more than a check half-way can still be
     * read so; that is why files are replaced by rename.)
     */
    @Test
    void aKrlSeenHalfWrittenInPlaceIsNotTaken() throws Exception {
        writeKrl("serial: 5\n");
        byte[] whole = Files.readAllBytes(krl);
        RevocationFile file = RevocationFile.required(krl, clock);
        int header = longestPrefixThatParses(whole);
        assertThat(RevocationList.parse(Arrays.copyOf(whole, header)).isRevoked(serial5))
                .as("the premise: the first " + header + " bytes are a KRL that revokes nothing").isFalse();

        try (var out = Files.newOutputStream(krl)) {
            out.write(whole, 0, header);
            out.flush();
            clock.advance(RevocationFile.CHECK_INTERVAL);
            assertThat(file.get().isRevoked(serial5)).as("looked at while half written").isTrue();
            out.write(whole, header, whole.length - header);
        }
        clock.advance(RevocationFile.CHECK_INTERVAL);
        assertThat(file.get().isRevoked(serial5)).as("written whole, changed since the last look").isTrue();
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).as("written whole").isTrue();
        assertThat(file.get().isRevoked(serial6)).isFalse();
    }

    private static int longestPrefixThatParses(byte[] whole) {
        for (int n = whole.length - 1; n > 0; n--) {
            try {
                RevocationList.parse(Arrays.copyOf(whole, n));
                return n;
            } catch (IllegalArgumentException e) {
                // not a KRL: shorter
            }
        }
        throw new AssertionError("no part of the KRL parses");
    }

    /** Two checks: a changed KRL is read once it kept its stamp for a whole check. */
    private void twoChecks(RevocationFile file) {
        for (int i = 0; i < 2; i++) {
            clock.advance(RevocationFile.CHECK_INTERVAL);
            file.get();
        }
    }

    /** Waits (bounded) until a file written now gets another change time than {@code file} has (clock ticks). */
    private void awaitNewChangeTime(Path file) throws Exception {
        Object old = Files.getAttribute(file, "unix:ctime");
        Path probe = dir.resolve("probe");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        do {
            Files.writeString(probe, "x");
            if (!Files.getAttribute(probe, "unix:ctime").equals(old)) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the file system's change time did not move in 5 s");
    }

    @Test
    void garbledOrMissingFileKeepsTheLastGoodList() throws Exception {
        writeKrl("serial: 5\n");
        RevocationFile file = RevocationFile.required(krl, clock);
        Files.writeString(krl, "garbage that is not a KRL");
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).isTrue();
        Files.delete(krl);
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).isTrue();
        writeKrl("serial: 6\n");
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).isFalse();
        assertThat(file.get().isRevoked(serial6)).isTrue();
    }

    /** Whoever may write the KRL (the guard says so: StrictModes in the agent) must not un-revoke anyone. */
    @Test
    void aListTheGuardRefusesIsNotTaken() throws Exception {
        writeKrl("serial: 5\n");
        java.util.concurrent.atomic.AtomicBoolean writableByOthers = new java.util.concurrent.atomic.AtomicBoolean();
        RevocationFile file = RevocationFile.required(krl, clock, path -> {
            if (writableByOthers.get()) {
                throw new IllegalArgumentException(path + " may be written by other users; run chmod go-w " + path);
            }
        });
        writableByOthers.set(true);
        writeKrl("serial: 6\n");
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).as("the refused list does not un-revoke serial 5").isTrue();
        writableByOthers.set(false);
        clock.advance(RevocationFile.CHECK_INTERVAL);
        assertThat(file.get().isRevoked(serial5)).as("fixed: taken at the next check, though unchanged").isFalse();
        assertThat(file.get().isRevoked(serial6)).isTrue();
    }

    /**
     * A FIFO put in place of the KRL would block every login behind its read, and a huge file fill the memory:
     * neither is read, at start or later. (Before, the start blocked on the FIFO: bounded here.)
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoOrAHugeFileIsNotRead() throws Exception {
        Path fifo = dir.resolve("fifo");
        TestCa.run(List.of("mkfifo", fifo.toString()));
        assertThatThrownBy(() -> RevocationFile.required(fifo, clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fifo + " is not a regular file");

        writeKrl("serial: 5\n");
        RevocationFile file = RevocationFile.required(krl, clock);
        Files.move(fifo, krl, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).as("kept; and the check did not block").isTrue();

        Files.delete(krl);
        try (var huge = new java.io.RandomAccessFile(krl.toFile(), "rw")) {
            huge.setLength(WatchedFile.MAX_SIZE + 1);
        }
        assertThatThrownBy(() -> RevocationFile.required(krl, clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(krl + " holds " + (WatchedFile.MAX_SIZE + 1) + " bytes");
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).isTrue();
    }

    @Test
    void missingFileAtStartIsEmptyOnlyWhenOptional() throws Exception {
        assertThatThrownBy(() -> RevocationFile.required(krl, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        RevocationFile file = RevocationFile.optional(krl, clock);
        assertThat(file.get().isRevoked(serial5)).isFalse();
        writeKrl("serial: 5\n");
        twoChecks(file);
        assertThat(file.get().isRevoked(serial5)).isTrue();
    }

    @Test
    void garbledFileAtStartIsAnError() throws Exception {
        Files.writeString(krl, "serial: 5\n");
        assertThatThrownBy(() -> RevocationFile.optional(krl, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a KRL");
    }
}
