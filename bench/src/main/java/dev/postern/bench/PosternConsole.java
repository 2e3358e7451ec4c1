package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postern ssh console -C CMD} through the repository's launcher, as a person runs it: a login context in its
 * own {@code POSTERN_HOME} (the harness's session on the control plane, its TLS key pinned) and, in its own
 * {@code HOME}, {@code ~/.ssh/id_postern} with the run's user certificate, which the CLI uses when it fits
 * (docs/CLI.md "Connections to machines"), so it signs in with the same certificate as stock {@code ssh} and
 * issues none per run.
 *
 * @param command the command line, without the remote command
 * @param env POSTERN_HOME and HOME for it
 */
record PosternConsole(List<String> command, Map<String, String> env) {
    PosternConsole {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    /** The same command with one more environment variable. */
    PosternConsole withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new PosternConsole(command, more);
    }

    static PosternConsole prepare(Rig rig, ControlPlaneProcess plane, String app, String machineId) throws IOException {
        Path home = rig.work.resolve("console-home");
        Path ssh = home.resolve(".ssh");
        Path posternHome = home.resolve(".postern");
        for (Path dir : List.of(home, ssh, posternHome)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        Files.copy(rig.userKey, ssh.resolve("id_postern"));
        Files.copy(rig.userCert, ssh.resolve("id_postern-cert.pub"));
        Files.setPosixFilePermissions(ssh.resolve("id_postern"), PosixFilePermissions.fromString("rw-------"));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("name", "bench");
        context.put("server", plane.url());
        context.put("email", plane.email());
        context.put("token", plane.api().token());
        context.put("org", plane.org());
        plane.api().pin().ifPresent(p -> context.put("fingerprint", p.fingerprint().value()));
        Path config = posternHome.resolve("config.json");
        Files.write(config, Api.json(Map.of("current", "bench", "contexts", List.of(context))));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        List<String> cmd = List.of(rig.options.launcher().toString(), "ssh", "console", "--app", app, "--machine",
                machineId, "-u", BenchUser.NAME, "-C");
        return new PosternConsole(cmd, Map.of("HOME", home.toString(), "POSTERN_HOME", posternHome.toString()));
    }
}
