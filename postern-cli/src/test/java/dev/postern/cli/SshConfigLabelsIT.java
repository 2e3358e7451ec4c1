package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.connect.ContextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile control plane after the names of another login context, through the context's label: the person logged in
 * to {@code https://postern.corp.example.com} (context {@code postern.corp.example.com}) and to a server whose
 * operator chose its host, so its context's name, and an org {@code corp} with an app {@code web} and machine
 * {@code m1} like the real server's. Stock {@code ssh -G}, with {@code Include ~/.postern/ssh/*.conf} as docs/CLI.md
 * suggests (glob order: the hostile config first), shows whose gateway, key and known_hosts the real server's names
 * get. Until round 7's pass the label was the first 24 letters and digits and 8 hex digits of a hash: a search of
 * 2^32 host names (minutes of one CPU) found {@link #PREIMAGE}, whose label was the real context's, and a context
 * named like a hashed label took it with no search at all.
 */
class SshConfigLabelsIT {
    private static final String REAL = "postern.corp.example.com";
    /** The label of {@link #REAL} was {@code postern-corp-example-com-cb9dfd98}; so was this name's. */
    static final String PREIMAGE = "postern.corp.example.com.f2thtab.evil.example";

    @TempDir
    Path dir;
    private final List<FakeControlPlane> planes = new ArrayList<>();
    private CliRunner me;

    @AfterEach
    void stop() {
        planes.forEach(FakeControlPlane::close);
    }

    @Test
    void aServerThatChoseItsContextsNameDoesNotGetAnotherContextsLabelledNames() throws IOException {
        // and a context named as the real one's label is: with a hash, a label holds "--", a name used as is never
        for (String hostile : List.of(PREIMAGE, ContextFiles.label(REAL))) {
            me = new CliRunner(dir.resolve(hostile), Clock.systemUTC());
            serve(REAL, 1001);
            serve(hostile, 6666);
            write(REAL);
            write(hostile);
            String label = ContextFiles.label(REAL);
            Path all = dir.resolve(hostile + ".all");
            Files.writeString(all, "Include " + me.posternHome().resolve("ssh") + "/*.conf\n");
            String key = ContextFiles.keptKey(me.posternHome(), REAL, "corp").toString();
            String known = ContextFiles.knownHosts(me.posternHome(), REAL, "corp").toString();
            for (String name : List.of("web.corp.internal." + label, "m1.vm.web.internal." + label)) {
                Map<String, String> g = SshConfigOrgsIT.sshG(all, name);
                assertThat(g).as(hostile + ": " + name).containsEntry("proxyjump", "postern-gateway-corp." + label)
                        .containsEntry("identityfile", key).containsEntry("userknownhostsfile", known);
            }
            Map<String, String> gateway = SshConfigOrgsIT.sshG(all, "postern-gateway-corp." + label);
            assertThat(gateway).as(hostile + ": the real gateway, the real context's key only")
                    .containsEntry("port", "1001").containsEntry("identityfile", key)
                    .containsEntry("userknownhostsfile", known);
            assertThat(ContextFiles.label(hostile)).as(hostile).isNotEqualTo(label);
        }
    }

    /** A server for {@code context} with org {@code corp}, app {@code web}, machine {@code m1}, gateway at {@code port}. */
    private void serve(String context, int port) {
        FakeControlPlane plane = new FakeControlPlane();
        planes.add(plane);
        FakeOrgPlane.serve(plane, "corp", "web", "alice@example.com", "127.0.0.1:" + port, List.of("m1"));
        ConfigFile file = new ConfigFile(me.posternHome());
        file.write(file.read().with(new SavedContext(context, plane.url(), "alice@example.com",
                "pst_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", null, null), false));
    }

    private void write(String context) {
        CliRunner.Result r = me.run("--context", context, "ssh", "config", "--app", "web", "--write");
        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
