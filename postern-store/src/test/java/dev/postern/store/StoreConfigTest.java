package dev.postern.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreConfigTest {
    @Test
    void h2IsAnEmbeddedFileDatabaseThatWritesEveryCommit() {
        StoreConfig c = StoreConfig.h2(Path.of("/var/lib/postern"));

        assertThat(c.jdbcUrl()).startsWith("jdbc:h2:file:/var/lib/postern/postern;").contains(";WRITE_DELAY=0");
        assertThat(c.isH2()).isTrue();
        assertThat(c.maxPoolSize()).isEqualTo(StoreConfig.DEFAULT_POOL_SIZE);
    }

    @Test
    void h2ResolvesRelativeDataDirectories() {
        StoreConfig c = StoreConfig.h2(Path.of("data"));

        assertThat(c.jdbcUrl()).startsWith("jdbc:h2:file:" + Path.of("data").toAbsolutePath() + "/postern;");
    }

    @Test
    void h2RefusesDirectoriesWithASemicolon() {
        assertThatThrownBy(() -> StoreConfig.h2(Path.of("/tmp/a;b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/tmp/a;b'");
    }

    @Test
    void unsupportedUrlIsRefusedQuotingItAndNamingTheFix() {
        assertThatThrownBy(() -> StoreConfig.parse("jdbc:mysql://db/postern?user=u&password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'jdbc:mysql://db/postern?user=u&password=***'")
                .hasMessageContaining("use --db jdbc:postgresql://host:5432/db or omit --db for the embedded H2")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void poolSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> new StoreConfig("jdbc:h2:mem:x", "sa", "", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPoolSize 0 must be at least 1");
    }

    @Test
    void postgresCredentialsMoveFromTheUrlIntoFields() {
        StoreConfig c = StoreConfig.parse(
                "jdbc:postgresql://db:5432/postern?user=postern&sslmode=require&password=p%26ss%3Dword&currentSchema=s");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/postern?sslmode=require&currentSchema=s");
        assertThat(c.user()).isEqualTo("postern");
        assertThat(c.password()).isEqualTo("p&ss=word");
        assertThat(c.isH2()).isFalse();
    }

    @Test
    void postgresUrlWithoutParametersKeepsDriverDefaults() {
        StoreConfig c = StoreConfig.parse("jdbc:postgresql://db/postern");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql://db/postern");
        assertThat(c.user()).isNull();
        assertThat(c.password()).isNull();
    }

    @Test
    void h2CredentialsMoveFromTheUrlIntoFields() {
        StoreConfig c = StoreConfig.parse("jdbc:h2:file:/data/postern;user=admin;WRITE_DELAY=0;PASSWORD=secret");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:h2:file:/data/postern;WRITE_DELAY=0");
        assertThat(c.user()).isEqualTo("admin");
        assertThat(c.password()).isEqualTo("secret");
    }

    @Test
    void h2FileUrlWritesEveryCommitUnlessToldOtherwise() {
        assertThat(StoreConfig.parse("jdbc:h2:file:/data/postern").jdbcUrl())
                .isEqualTo("jdbc:h2:file:/data/postern;WRITE_DELAY=0");
        assertThat(StoreConfig.parse("jdbc:h2:/data/postern;write_delay=500").jdbcUrl())
                .isEqualTo("jdbc:h2:/data/postern;write_delay=500");
        assertThat(StoreConfig.parse("jdbc:h2:mem:test").jdbcUrl()).isEqualTo("jdbc:h2:mem:test");
    }

    @Test
    void h2PasswordAloneKeepsTheDefaultUser() {
        StoreConfig c = StoreConfig.parse("jdbc:h2:file:/data/postern;PASSWORD=secret");

        assertThat(c.user()).isEqualTo("sa");
        assertThat(c.password()).isEqualTo("secret");
        assertThat(c.jdbcUrl()).doesNotContain("secret");
    }

    @Test
    void h2UrlWithoutCredentialsUsesTheUserH2ConfigsCreate() {
        StoreConfig parsed = StoreConfig.parse("jdbc:h2:file:/data/postern");

        assertThat(parsed.user()).isEqualTo(StoreConfig.h2(Path.of("/data")).user());
    }

    @Test
    void passwordNeverShowsInToStringOrRedactedUrl() {
        StoreConfig fields = StoreConfig.parse("jdbc:postgresql://db/postern?user=u&password=hunter2");
        StoreConfig inUrl = new StoreConfig("jdbc:postgresql://db/postern?password=hunter2&user=u", null, null, 3);
        StoreConfig h2 = new StoreConfig("jdbc:h2:file:/d/postern;PASSWORD=hunter2;USER=sa", null, null, 3);

        assertThat(fields.toString()).doesNotContain("hunter2").contains("password=***");
        assertThat(inUrl.toString()).doesNotContain("hunter2");
        assertThat(inUrl.redactedUrl()).isEqualTo("jdbc:postgresql://db/postern?password=***&user=u");
        assertThat(h2.redactedUrl()).isEqualTo("jdbc:h2:file:/d/postern;PASSWORD=***;USER=sa");
    }
}
