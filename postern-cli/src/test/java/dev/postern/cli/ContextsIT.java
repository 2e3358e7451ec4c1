package dev.postern.cli;

import static dev.postern.cli.Plane.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.postern.cli.auth.AuthCommand;
import dev.postern.cli.demo.DemoConfig;
import dev.postern.cli.demo.DemoPlane;
import dev.postern.common.Json;
import dev.postern.server.ControlPlane;
import dev.postern.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several logins side by side (contexts): the demo adds and removes only its own; {@code --context} and
 * POSTERN_CONTEXT pick the server; {@code orgs use} and POSTERN_ORG pick the org; an app name unique among the
 * person's orgs picks its org; an old one-login config.json still works.
 */
class ContextsIT {
    @TempDir
    Path tmp;
    MutableClock clock = MutableClock.atWallTime();
    ControlPlane real;
    CliRunner me;
    String realName;

    @BeforeEach
    void start() {
        real = Plane.start(tmp.resolve("real"), clock);
        me = new CliRunner(tmp.resolve("me"), clock);
        Plane.loginAdmin(real, me);
        URI url = URI.create(real.baseUrl());
        realName = url.getHost() + ":" + url.getPort();
        ok(me, "orgs", "create", "acme");
        ok(me, "orgs", "create", "beta");
        ok(me, "apps", "create", "web", "--org", "acme");
        ok(me, "apps", "create", "web", "--org", "beta");
        ok(me, "apps", "create", "api", "--org", "beta");
    }

    @AfterEach
    void stop() {
        real.close();
    }

    @Test
    void theDemoAddsItsOwnContextAndOnStopLeavesTheOtherLoginWorkingAndCurrent() throws Exception {
        assertThat(contexts()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo(realName);
            assertThat(c.current()).isTrue();
        });
        CliEnvironment env = new CliEnvironment(Map.of("HOME", me.home().toString(),
                "POSTERN_HOME", me.posternHome().toString()), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), clock);
        DemoConfig config = new DemoConfig(env, tmp.resolve("demo"), 0, DemoConfig.sameJvm(), true);
        try (DemoPlane demo = DemoPlane.start(config)) {
            assertThat(demo.contextName()).isEqualTo("demo");
            assertThat(contexts()).extracting(c -> c.name() + (c.current() ? "*" : ""))
                    .containsExactly(realName, "demo*");
            assertThat(ok(me, "orgs", "list")).contains("demo").doesNotContain("acme");
            assertThat(ok(me, "--context", realName, "orgs", "list")).contains("acme").doesNotContain("demo");
            assertThat(ok(me, "orgs", "list", "--context=" + realName)).contains("acme");
            me.env("POSTERN_CONTEXT", realName);
            assertThat(ok(me, "orgs", "list")).contains("beta").doesNotContain("demo");
            me.env("POSTERN_CONTEXT", null);
            String text = ok(me, "auth", "list");
            assertThat(text).contains(demo.baseUrl()).contains(real.baseUrl()).doesNotContain("pst_");
        }
        assertThat(contexts()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo(realName);
            assertThat(c.current()).as("the previous context is current again").isTrue();
        });
        assertThat(ok(me, "orgs", "list")).contains("acme");
        assertThat(Files.readString(me.posternHome().resolve("config.json"))).doesNotContain("\"demo\"");
    }

    @Test
    void defaultOrgAndUniqueAppNamesSpareTheOrgOption() {
        CliRunner.Result ambiguous = me.run("machines", "list", "--app", "web");
        assertThat(ambiguous.exit()).as(ambiguous.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(ambiguous.err()).contains("acme").contains("beta").contains("orgs use");
        assertThat(me.run("machines", "list", "--app", "api").exit()).as("api is only in beta").isZero();
        assertThat(ok(me, "tokens", "list", "--app", "api")).contains("beta");

        ok(me, "orgs", "use", "acme");
        assertThat(ok(me, "apps", "list")).contains("acme").doesNotContain("beta");
        assertThat(me.run("machines", "list", "--app", "web").exit()).isZero();
        assertThat(ok(me, "auth", "whoami")).contains("default org acme");
        me.env("POSTERN_ORG", "beta");
        assertThat(ok(me, "apps", "list")).contains("api").doesNotContain("acme");
        me.env("POSTERN_ORG", null);
        CliRunner.Result notMine = me.run("orgs", "use", "nope");
        assertThat(notMine.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(notMine.err()).contains("'nope'").contains("acme");
        ok(me, "orgs", "use", "--clear");
        assertThat(me.run("apps", "list").exit()).as("two orgs, no default").isEqualTo(ExitCodes.USAGE);
    }

    /**
     * With a default org, {@code machines list} asks for that org's machines straight away (one request: issue 12's
     * 0.5 s over HTTPS has room for one TLS handshake, not two), and an app that is only in another of the person's
     * orgs is still found there, as before.
     */
    @Test
    void aDefaultOrgIsAskedFirstAndAnAppOnlyInAnotherOrgIsStillFound() throws Exception {
        ok(me, "orgs", "use", "acme");
        assertThat(ok(me, "machines", "list", "--app", "api", "--json").strip()).as("api is only in beta")
                .isEqualTo("[ ]");
        CliRunner.Result none = me.run("machines", "list", "--app", "nope");
        assertThat(none.exit()).as(none.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("'nope'");

        try (CountingRelay relay = CountingRelay.to(real.baseUrl())) {
            CliRunner counted = new CliRunner(tmp.resolve("counted"), clock);
            String token = new dev.postern.cli.client.ConfigFile(me.posternHome()).load().orElseThrow().token();
            new dev.postern.cli.client.ConfigFile(counted.posternHome()).save(
                    new dev.postern.cli.client.ClientConfig(relay.url(), "admin@localhost", token));
            ok(counted, "orgs", "use", "acme");
            int before = relay.connections();
            ok(counted, "machines", "list", "--app", "web");
            assertThat(relay.connections() - before).as("requests of one machines list").isEqualTo(1);
        }
    }

    @Test
    void logoutRemovesOnlyTheCurrentContextAndAnOldConfigIsReadAsOne() throws Exception {
        try (ControlPlane other = Plane.start(tmp.resolve("other"), clock)) {
            ok(me, "auth", "login", "--server", other.baseUrl(), "--name", "other", "--token",
                    other.bootstrapToken().orElseThrow());
            assertThat(ok(me, "orgs", "list")).doesNotContain("acme");
            assertThat(ok(me, "auth", "logout")).contains("context other removed");
            assertThat(contexts()).extracting(AuthCommand.ContextView::name).containsExactly(realName);
            CliRunner.Result none = me.run("orgs", "list");
            assertThat(none.exit()).isEqualTo(ExitCodes.AUTH);
            assertThat(none.err()).contains("postern auth use").contains(realName);
            assertThat(ok(me, "--context", realName, "orgs", "list")).contains("acme");
            CliRunner.Result unknown = me.run("--context", "nope", "orgs", "list");
            assertThat(unknown.exit()).isEqualTo(ExitCodes.AUTH);
            assertThat(unknown.err()).contains("'nope'").contains(realName);
            ok(me, "auth", "use", realName);
            assertThat(ok(me, "orgs", "list")).contains("acme");
        }

        // a config.json from before contexts: one login, read as a context named after its server
        Path config = me.posternHome().resolve("config.json");
        var saved = new dev.postern.cli.client.ConfigFile(me.posternHome()).load().orElseThrow();
        Files.writeString(config, Json.mapper().writeValueAsString(Map.of("server", saved.server(),
                "email", saved.email(), "token", saved.token())));
        assertThat(ok(me, "auth", "whoami")).contains("admin@localhost").contains("context " + realName);
        assertThat(contexts()).singleElement().extracting(AuthCommand.ContextView::name).isEqualTo(realName);
        ok(me, "orgs", "use", "acme");
        assertThat(Files.readString(config)).contains("\"contexts\"").contains("\"acme\"");
    }

    private List<AuthCommand.ContextView> contexts() throws Exception {
        return Json.mapper().readValue(ok(me, "auth", "list", "--json"),
                new TypeReference<List<AuthCommand.ContextView>>() { });
    }
}
