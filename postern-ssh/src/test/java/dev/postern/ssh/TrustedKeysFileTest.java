package dev.postern.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postern.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trusted CA file is re-read when it changes; a new CA replaces the old one, a bad update keeps the last. */
class TrustedKeysFileTest {
    @TempDir
    Path dir;
    MutableClock clock = MutableClock.atWallTime();
    TestCa oldCa;
    TestCa newCa;
    Path file;

    @BeforeEach
    void setUp() {
        oldCa = new TestCa(dir, "old");
        newCa = new TestCa(dir, "new");
        file = dir.resolve("user_ca.pub");
    }

    private void write(String text) throws Exception {
        Files.writeString(file, text);
        // the watcher looks at size and mtime; make the change visible on coarse file-system clocks
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + (long) (Math.random() * 1e6)));
    }

    @Test
    void aReplacedCaIsTrustedAndTheOldOneNoLongerAfterTheCheckInterval() throws Exception {
        write(Files.readString(oldCa.caPublicKeyFile()));
        TrustedKeysFile keys = TrustedKeysFile.required(file, clock);
        assertThat(keys.get()).hasSize(1);
        assertThat(KeyUtils.compareKeys(keys.get().get(0), oldCa.caPublicKey())).isTrue();

        write(Files.readString(newCa.caPublicKeyFile()));
        assertThat(KeyUtils.compareKeys(keys.get().get(0), oldCa.caPublicKey())).as("within the interval").isTrue();
        clock.advance(TrustedKeysFile.CHECK_INTERVAL);
        assertThat(KeyUtils.compareKeys(keys.get().get(0), oldCa.caPublicKey())).as("changed: read once it stays so"
                + " for a whole check").isTrue();
        clock.advance(TrustedKeysFile.CHECK_INTERVAL);
        assertThat(keys.get()).hasSize(1);
        assertThat(KeyUtils.compareKeys(keys.get().get(0), newCa.caPublicKey())).isTrue();
    }

    /**
     * A CA file cut after a line holds fewer CAs, and a CA taken out ends the live logins it authenticated: a
     * reader that looks while the file is written in place must not take the first line alone.
     */
    @Test
    void aFileSeenHalfWrittenInPlaceIsNotTaken() throws Exception {
        String first = Files.readString(oldCa.caPublicKeyFile());
        String both = first + Files.readString(newCa.caPublicKeyFile());
        write(both);
        TrustedKeysFile keys = TrustedKeysFile.required(file, clock);
        assertThat(keys.get()).hasSize(2);

        try (var out = Files.newBufferedWriter(file)) {
            out.write(first);
            out.flush();
            clock.advance(TrustedKeysFile.CHECK_INTERVAL);
            assertThat(keys.get()).as("looked at while half written").hasSize(2);
            out.write(both.substring(first.length()));
        }
        for (int i = 0; i < 2; i++) {
            clock.advance(TrustedKeysFile.CHECK_INTERVAL);
            assertThat(keys.get()).as("written whole, look " + i).hasSize(2);
        }
    }

    @Test
    void garbledEmptyOrMissingFileKeepsTheLastGoodKeys() throws Exception {
        write(Files.readString(oldCa.caPublicKeyFile()));
        TrustedKeysFile keys = TrustedKeysFile.required(file, clock);
        for (String bad : new String[] {"ssh-ed25519 garbage!!\n", "\n# nothing\n"}) {
            write(bad);
            clock.advance(Duration.ofSeconds(2));
            assertThat(keys.get()).as(bad).hasSize(1);
            assertThat(KeyUtils.compareKeys(keys.get().get(0), oldCa.caPublicKey())).isTrue();
        }
        Files.delete(file);
        clock.advance(Duration.ofSeconds(2));
        assertThat(KeyUtils.compareKeys(keys.get().get(0), oldCa.caPublicKey())).isTrue();
    }

    @Test
    void aMissingOrEmptyFileAtStartIsRefusedByName() throws Exception {
        assertThatThrownBy(() -> TrustedKeysFile.required(file, clock)).hasMessageContaining(file.toString());
        write("\n");
        assertThatThrownBy(() -> TrustedKeysFile.required(file, clock)).hasMessageContaining("holds no public key");
    }
}
