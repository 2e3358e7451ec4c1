package dev.postern.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedContextsTest {
    @TempDir
    Path tmp;

    @Test
    void loginsToTwoServersLiveSideBySideAndDeleteForgetsOnlyTheCurrent() throws Exception {
        ConfigFile file = new ConfigFile(tmp.resolve(".postern"));
        file.save(new ClientConfig("http://127.0.0.1:7070", "a@example.com", "pst_a"));
        file.save(new ClientConfig("https://p.example.com", "b@example.com", "pst_b"));
        assertThat(file.read().names()).containsExactly("127.0.0.1:7070", "p.example.com");
        assertThat(file.load().orElseThrow().token()).isEqualTo("pst_b");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        assertThat(file.delete()).isTrue();
        assertThat(file.load()).isEmpty();
        assertThat(file.read().find("127.0.0.1:7070").orElseThrow().token()).isEqualTo("pst_a");
    }

    /** A file of a Postern before short names were opt-in has no such field: they are off for its contexts. */
    @Test
    void shortNamesAreOffInAFileWithoutTheFieldAndKeptOnceSaved() throws Exception {
        ConfigFile file = new ConfigFile(tmp);
        Files.writeString(file.path(), "{\"current\":\"prod\",\"contexts\":[{\"name\":\"prod\",\"server\":"
                + "\"http://127.0.0.1:7070\",\"email\":\"a@x.io\",\"token\":\"pst_t\",\"org\":\"acme\"}]}");
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-------"));
        SavedContext prod = file.read().find("prod").orElseThrow();
        assertThat(prod.shortNames()).isFalse();
        file.write(file.read().with(prod.withShortNames(true), false));
        SavedContext on = file.read().find("prod").orElseThrow();
        assertThat(on.shortNames()).isTrue();
        assertThat(on.withOrg("beta").withPin(new dev.postern.common.tls.Fingerprint("sha256:" + "ab".repeat(32)))
                .shortNames()).as("kept by other changes").isTrue();
    }

    /** Another URL or another pinned TLS key is another server; the default org and short names are not. */
    @Test
    void anotherUrlOrPinIsAnotherServer() {
        SavedContext a = new SavedContext("prod", "https://cp.example.com", "a@x.io", "pst_t", "acme",
                "sha256:" + "ab".repeat(32), true);
        assertThat(a.otherServer(a.withOrg(null).withShortNames(false))).isFalse();
        assertThat(a.otherServer(new SavedContext("prod", "https://cp2.example.com", "a@x.io", "pst_t", "acme",
                a.fingerprint(), true))).isTrue();
        assertThat(a.otherServer(a.withPin(new dev.postern.common.tls.Fingerprint("sha256:" + "cd".repeat(32)))))
                .isTrue();
        assertThat(a.otherServer(a.withPin(null))).as("pin dropped").isTrue();
    }

    @Test
    void anOldOneLoginFileIsReadAsOneCurrentContext() throws Exception {
        ConfigFile file = new ConfigFile(tmp);
        Files.writeString(file.path(),
                "{\"server\":\"http://10.0.0.1:7070\",\"email\":\"a@x.io\",\"token\":\"pst_t\"}");
        // 0600, as the CLI wrote it then (a file others may read is refused: ConfigFileTest)
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-------"));
        SavedContexts all = file.read();
        assertThat(all.current()).isEqualTo("10.0.0.1:7070");
        assertThat(all.currentContext().orElseThrow().login()).isEqualTo(
                new ClientConfig("http://10.0.0.1:7070", "a@x.io", "pst_t"));
    }

    @Test
    void namesAreCheckedAndTokensNeverPrinted() {
        assertThat(ContextNames.fromServer("https://[::1]:8443/")).isEqualTo("[::1]:8443");
        assertThatThrownBy(() -> ContextNames.check("../evil")).hasMessageContaining("'../evil'");
        assertThatThrownBy(() -> ContextNames.check("")).hasMessageContaining("--name");
        assertThat(new SavedContext("prod", "https://p", "a@x.io", "pst_secret", "acme").toString())
                .doesNotContain("pst_secret");
    }

    @Test
    void withoutTheCurrentLeavesNoneCurrentAndAnUnknownCurrentIsDropped() {
        SavedContext a = new SavedContext("a", "http://h:1", "a@x.io", "t1", null);
        SavedContext b = new SavedContext("b", "http://h:2", "b@x.io", "t2", null);
        SavedContexts both = SavedContexts.empty().with(a, true).with(b, false);
        assertThat(both.current()).isEqualTo("a");
        assertThat(both.without("a").current()).isNull();
        assertThat(both.without("b").current()).isEqualTo("a");
        assertThat(both.withCurrent("nope").current()).isNull();
    }
}
