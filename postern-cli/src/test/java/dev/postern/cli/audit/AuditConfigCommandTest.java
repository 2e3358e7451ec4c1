package dev.postern.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postern.cli.CliException;
import dev.postern.cli.CliRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postern audit config} run through the real command line on the samples in
 * src/test/resources/audit: every finding's id, file and line, the exit codes, and that no secret of a sample
 * ever reaches the output whole.
 */
class AuditConfigCommandTest {
    /** Every secret value in the bad samples: none may be printed whole, in text, JSON or an error. */
    private static final List<String> SECRETS = List.of("npm_Q8x2LmP4vR7tY1zK9wB3nC6dF0gH5jS2aE8u",
            "hunter2-correct-horse", "S3cretPassw0rd", "AKIAIOSFODNN7EXAMPLE",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
            "kP9vX2mQ7rT4wZ8bN3cF6hJ1sL5dG0aY", "pa55-w0rd-Zq", "ghp_R4nd0mT0k3nV4lu3xYz12345",
            "sk_live_51HxYzAbCdEfGh1234567890", "pw12345678", "hunter2-not-closed");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(tmp, Clock.systemUTC());
    }

    @Test
    void cleanSamplesHaveNoFindingsAndExitZero() throws IOException {
        CliRunner.Result text = cli.run("audit", "config", sample("clean/fly.toml"), sample("clean/Dockerfile"));
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out()).startsWith("no findings in ");
        CliRunner.Result json = cli.run("audit", "config", "--json", sample("clean/fly.toml"),
                sample("clean/Dockerfile"));
        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(findings(json)).isEmpty();
    }

    @Test
    void badFlyTomlYieldsEachFindingOnItsLine() throws IOException {
        String file = sample("bad/fly.toml");
        CliRunner.Result r = cli.run("audit", "config", "--json", file);
        assertThat(r.exit()).as(r.toString()).isEqualTo(AuditConfigCommand.FINDINGS);
        assertThat(findings(r)).allSatisfy(f -> assertThat(f.get("file")).isEqualTo(file));
        assertThat(idsAtLines(r)).containsExactlyInAnyOrder(
                "PST-ENV-SECRET@5",       // [build.args] NPM_TOKEN
                "PST-ENV-SECRET@9",       // DATABASE_PASSWORD, by name
                "PST-ENV-SECRET@10",      // DATABASE_URL with user:pass@
                "PST-ENV-SECRET@11",      // AKIA... key id
                "PST-ENV-SECRET@12",      // PEM private key in a multi-line string
                "PST-ENV-SECRET@17",      // random-looking SESSION_KEY
                "PST-SVC-INTERNAL@20",    // public internal_port 5432
                "PST-SVC-NO-LIMIT@19", "PST-SVC-NO-CHECKS@19",
                "PST-SVC-SSH@26",         // public internal_port 22
                "PST-SVC-INTERNAL@36",    // app "orders-db" behind [http_service]
                "PST-SVC-NO-CHECKS@36",
                "PST-SVC-NO-LIMIT@41",    // soft_limit above hard_limit
                "PST-SCALE-NO-STOP@38",   // auto_start without auto_stop
                "PST-VM-NO-LIMITS@44",    // cpu_kind without memory
                "PST-MOUNT-UNENCRYPTED@50");
        assertThat(severities(r)).containsEntry("PST-SVC-SSH@26", "high").containsEntry("PST-ENV-SECRET@9", "high")
                .containsEntry("PST-SVC-INTERNAL@20", "medium").containsEntry("PST-VM-NO-LIMITS@44", "low");
    }

    @Test
    void inlineTablesDottedKeysAndAMissingVmSection() throws IOException {
        CliRunner.Result r = cli.run("audit", "config", "--json", sample("bad/minimal.toml"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(idsAtLines(r)).containsExactlyInAnyOrder("PST-VM-NO-LIMITS@1", "PST-ENV-SECRET@3",
                "PST-ENV-SECRET@4", "PST-MOUNT-UNENCRYPTED@9");
    }

    @Test
    void badDockerfileYieldsEachFindingOnItsLine() throws IOException {
        String file = sample("bad/Dockerfile");
        CliRunner.Result r = cli.run("audit", "config", "--json", file);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(findings(r)).allSatisfy(f -> assertThat(f.get("file")).isEqualTo(file));
        assertThat(idsAtLines(r)).containsExactlyInAnyOrder(
                "PST-DOCKER-LATEST@3",    // FROM ${BASE} = debian, no tag
                "PST-DOCKER-SSHD@6",      // openssh-server on the third line of a `-continued RUN
                "PST-DOCKER-DIGEST@9",    // node:20 without digest
                "PST-DOCKER-SECRET@10",   // ARG NPM_TOKEN
                "PST-DOCKER-SECRET@11",   // ENV API_KEY=...
                "PST-DOCKER-ADD-URL@13",
                "PST-DOCKER-ROOT@19");    // USER root
        // installed in stage "base", which the final stage is built FROM, and exposed by EXPOSE 22 and CMD sshd
        assertThat(severities(r)).containsEntry("PST-DOCKER-SSHD@6", "high")
                .containsEntry("PST-DOCKER-SECRET@10", "medium").containsEntry("PST-DOCKER-SECRET@11", "high");
    }

    @Test
    void noUserLatestTagApkOpensshAndAUrlWithAPassword() throws IOException {
        CliRunner.Result r = cli.run("audit", "config", "--json", sample("bad/Dockerfile.alpine"));
        assertThat(idsAtLines(r)).containsExactlyInAnyOrder("PST-DOCKER-LATEST@1", "PST-DOCKER-ROOT@1",
                "PST-DOCKER-SSHD@2", "PST-DOCKER-SECRET@3");
        assertThat(severities(r)).containsEntry("PST-DOCKER-SSHD@2", "medium");
    }

    @Test
    void onlyTheLastStageCountsForUserAndSsh() throws IOException {
        // the build stage runs as nobody and installs openssh-server in a here-document: none of it is in the image
        CliRunner.Result r = cli.run("audit", "config", "--json", sample("bad/Dockerfile.multistage"));
        assertThat(idsAtLines(r)).containsExactly("PST-DOCKER-ROOT@6");
    }

    @Test
    void noSecretIsEverPrintedWhole() throws IOException {
        for (String sample : List.of("bad/fly.toml", "bad/minimal.toml", "bad/Dockerfile", "bad/Dockerfile.alpine",
                "bad/broken.toml")) {
            for (boolean json : List.of(false, true)) {
                CliRunner.Result r = json ? cli.run("audit", "config", "--json", sample(sample))
                        : cli.run("audit", "config", sample(sample));
                assertThat(r.exit()).as(r.toString()).isIn(1, 2);
                for (String secret : SECRETS) {
                    assertThat(r.out() + r.err()).as(sample).doesNotContain(secret);
                }
            }
        }
        CliRunner.Result text = cli.run("audit", "config", sample("bad/fly.toml"));
        // the name and a masked hint instead
        assertThat(text.out()).contains("DATABASE_PASSWORD").contains("\"hu…\" (21 chars)")
                .contains("postern secrets set --app orders-db DATABASE_PASSWORD=...");
    }

    @Test
    void textOutputListsEveryFindingWithItsFixAndASummary() throws IOException {
        CliRunner.Result r = cli.run("audit", "config", sample("bad/Dockerfile.alpine"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("PST-DOCKER-SSHD  medium  " + sample("bad/Dockerfile.alpine") + ":2")
                .contains("  fix: remove openssh-server")
                .contains("4 findings in " + sample("bad/Dockerfile.alpine") + ": 1 high, 3 medium, 0 low");
    }

    @Test
    void brokenTomlIsExitTwoNamingFileAndLine() throws IOException {
        CliRunner.Result r = cli.run("audit", "config", sample("bad/broken.toml"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains(sample("bad/broken.toml") + ":3: not valid TOML");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void brokenDockerfileIsExitTwoNamingFileAndLine() throws IOException {
        CliRunner.Result r = cli.run("audit", "config", sample("clean/fly.toml"), sample("bad/Dockerfile.broken"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains(sample("bad/Dockerfile.broken") + ":2: not a valid Dockerfile: unknown "
                + "instruction 'RUNN'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingOrDuplicateFilesAreExitTwo() throws IOException {
        String missing = tmp.resolve("nowhere/fly.toml").toString();
        CliRunner.Result r = cli.run("audit", "config", missing);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(missing + ": no such file");
        CliRunner.Result two = cli.run("audit", "config", sample("clean/fly.toml"), sample("bad/fly.toml"));
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).contains("two .toml files");
        CliRunner.Result dir = cli.run("audit", "config", tmp.toString());
        assertThat(dir.exit()).isEqualTo(2);
        assertThat(dir.err()).contains("is a directory");
        Path binary = Files.write(tmp.resolve("Dockerfile"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        CliRunner.Result notText = cli.run("audit", "config", binary.toString());
        assertThat(notText.exit()).isEqualTo(2);
        assertThat(notText.err()).contains("is not UTF-8 text");
    }

    /**
     * The files are untrusted (a CI job may audit a pull request): long runs that make backtracking patterns
     * quadratic must not hang the audit. The bound is generous: it only catches a hang.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void pathologicalFilesJustUnderTheSizeLimitDoNotHangTheAudit() throws IOException {
        int n = 900_000;
        String spaces = " ".repeat(n);
        List<String> dockerfiles = List.of(
                "# a=" + spaces + "x\nFROM alpine:3.20\n",                        // a directive-like comment
                "FROM alpine:3.20" + spaces + "x\n",                               // blanks before a non-escape
                "FROM alpine:3.20\nENV A=" + "a".repeat(n) + "://" + "b".repeat(n / 10) + "\n",  // URL-like
                "FROM alpine:3.20\nRUN cat <<\"" + "w".repeat(n) + "\n");          // an unclosed quoted heredoc word
        for (String text : dockerfiles) {
            Path docker = Files.writeString(tmp.resolve("Dockerfile"), text);
            CliRunner.Result r = cli.run("audit", "config", docker.toString());
            assertThat(r.exit()).as(r.toString()).isIn(1, 2);
        }
        Path toml = Files.writeString(tmp.resolve("fly.toml"), "[env]\nA = \"" + "a".repeat(n) + "://"
                + "b".repeat(n / 10) + "\"\n");
        CliRunner.Result t = cli.run("audit", "config", toml.toString());
        assertThat(t.exit()).as(t.toString()).isEqualTo(1);
    }

    @Test
    void defaultsAreTheFilesPresentInTheDirectory() throws IOException {
        assertThatThrownBy(() -> AuditConfigCommand.defaults(tmp)).isInstanceOf(CliException.class)
                .hasMessageContaining("no fly.toml or Dockerfile in");
        Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\nUSER 1000\n");
        AuditConfigCommand.Defaults onlyDocker = AuditConfigCommand.defaults(tmp);
        assertThat(onlyDocker.flyToml()).isNull();
        assertThat(onlyDocker.dockerfile().shown()).isEqualTo("Dockerfile");
        Files.writeString(tmp.resolve("fly.toml"), "app = \"x\"\n");
        AuditConfigCommand.Defaults both = AuditConfigCommand.defaults(tmp);
        assertThat(both.flyToml().path()).isEqualTo(tmp.resolve("fly.toml"));
        assertThat(both.flyToml().shown()).isEqualTo("fly.toml");
    }

    @Test
    void auditLogIsStillThere() {
        CliRunner.Result help = cli.run("audit", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("log").contains("config");
        // client-side validation of audit log runs before any request
        CliRunner.Result log = cli.run("audit", "log", "--limit", "0");
        assertThat(log.exit()).isEqualTo(2);
        assertThat(log.err()).contains("--limit '0'");
    }

    private static String sample(String name) {
        try {
            return Path.of(AuditConfigCommandTest.class.getResource("/audit/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map<String, Object>> findings(CliRunner.Result r) throws IOException {
        return JSON.readValue(r.out(), new TypeReference<List<Map<String, Object>>>() { });
    }

    private static List<String> idsAtLines(CliRunner.Result r) throws IOException {
        return findings(r).stream().map(f -> f.get("id") + "@" + f.get("line")).collect(Collectors.toList());
    }

    private static Map<String, Object> severities(CliRunner.Result r) throws IOException {
        return findings(r).stream().collect(Collectors.toMap(f -> f.get("id") + "@" + f.get("line"),
                f -> f.get("severity"), (a, b) -> a));
    }
}
