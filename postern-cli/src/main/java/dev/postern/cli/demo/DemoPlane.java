package dev.postern.cli.demo;

import dev.postern.cli.CliEnvironment;
import dev.postern.cli.Main;
import dev.postern.cli.client.Session;
import dev.postern.cli.connect.ContextFiles;
import dev.postern.server.ControlPlane;
import dev.postern.server.ControlPlaneConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An all-in-one local plane on loopback for trying Postern: a control plane with embedded H2 in a fresh data
 * dir, org {@code demo} with app {@code demo} and its CA, the person logged in (a session in their
 * {@code POSTERN_HOME}), and demo machines as child {@code postern agent} processes, each with its own data
 * dir. {@link #close} stops everything it started, children included.
 *
 * <pre>{@code
 * try (DemoPlane demo = DemoPlane.start(DemoConfig.defaults(env))) { ... }
 * }</pre>
 */
public final class DemoPlane implements AutoCloseable {
    private static final Duration MACHINES_ONLINE = Duration.ofSeconds(60);
    private static final Pattern ONLINE = Pattern.compile("\"state\"\\s*:\\s*\"online\"");
    public static final String ORG = "demo";
    public static final String APP = "demo";
    static final Duration CHILD_STOP = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(DemoPlane.class);
    private static final Pattern TOKEN = Pattern.compile("^(pjt_\\S+)$", Pattern.MULTILINE);

    private final DemoConfig config;
    private final ControlPlane plane;
    private final List<Process> agents;
    private final List<String> notes;
    private final DemoContext context;

    private DemoPlane(DemoConfig config, ControlPlane plane, List<Process> agents, List<String> notes) {
        this.config = config;
        this.context = DemoContext.claim(config.env().posternHome());
        this.plane = plane;
        this.agents = agents;
        this.notes = notes;
    }

    /** Starts the plane, sets up org, app and CA, logs the person in and starts the machines it can. */
    public static DemoPlane start(DemoConfig config) {
        ControlPlane plane = ControlPlane.start(new ControlPlaneConfig(config.dataDir().resolve("server"), null, "127.0.0.1",
                0, config.env().clock(), null, ControlPlaneConfig.DEFAULT_BOOTSTRAP_EMAIL));
        List<Process> agents = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        DemoPlane demo = new DemoPlane(config, plane, agents, notes);
        try {
            demo.cli("auth", "login", "--server", plane.baseUrl(), "--name", demo.context.name(), "--token",
                    plane.bootstrapToken().orElseThrow(() -> new IllegalStateException(config.dataDir()
                            + " was used before; give the demo a fresh data dir")));
            demo.cli("orgs", "create", ORG);
            demo.cli("apps", "create", APP, "--org", ORG);
            demo.cli("ssh", "establish", ORG);
            if (config.machines() > 0) {
                String token = demo.token(config.machines());
                for (int i = 1; i <= config.machines(); i++) {
                    agents.add(demo.startAgent(i, token));
                }
                if (!demo.awaitOnline(config.machines(), MACHINES_ONLINE)) {
                    notes.add("not every demo machine is online after " + MACHINES_ONLINE.toSeconds() + " s; see the"
                            + " agent logs in " + config.dataDir());
                }
            }
            // after the machines joined: the config names each machine that exists when it is written, and the
            // demo prints 'ssh -F CONFIG root@<id>.vm.demo.internal.<label>'. It also keeps a key and certificate
            // for this context and org in ~/.postern/ssh.
            Run conf = demo.run("ssh", "config", "--app", APP, "--org", ORG, "--write");
            if (conf.exit != 0) {
                notes.add("no ssh config yet: " + conf.err.strip());
            }
            return demo;
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    /** The name of the demo's login context ({@code demo} unless taken). */
    public String contextName() {
        return context.name();
    }

    /** The control plane's URL. */
    public String baseUrl() {
        return plane.baseUrl();
    }

    /** The agent child processes (alive or not). */
    public List<Process> agents() {
        return List.copyOf(agents);
    }

    /** What could not be set up (parts not built yet, files left alone), for the person to read. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public Path sshConfig() {
        return ContextFiles.sshConfig(config.env().posternHome(), context.name(), ORG, APP);
    }

    @Override
    public void close() {
        for (Process p : agents) {
            p.destroy();
        }
        for (Process p : agents) {
            try {
                if (!p.waitFor(CHILD_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(CHILD_STOP.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            context.restore(plane.baseUrl());
        } catch (RuntimeException e) {
            LOG.warn("could not remove the demo's login context '{}': {}", context.name(), e.getMessage());
        }
        plane.close();
        if (config.deleteDataOnClose()) {
            deleteTree(config.dataDir());
        }
    }

    /** Polls the machine list until {@code count} machines are online or {@code limit} passes. */
    private boolean awaitOnline(int count, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            Run list = run("machines", "list", "--app", APP, "--org", ORG, "--json");
            if (list.exit == 0 && ONLINE.matcher(list.out).results().count() >= count) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private Process startAgent(int n, String token) {
        Path data = config.dataDir().resolve("machine-" + n);
        List<String> cmd = new ArrayList<>(config.javaCommand());
        cmd.addAll(List.of(Main.class.getName(), "agent", "--server", plane.baseUrl(), "--data", data.toString()));
        try {
            Files.createDirectories(data);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(data.resolve("agent.log").toFile());
            pb.environment().put("POSTERN_JOIN_TOKEN", token); // not on the command line, where 'ps' shows it
            Process p = pb.start();
            LOG.info("demo machine {} started (pid {}, log {})", n, p.pid(), data.resolve("agent.log"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start demo machine " + n + ": " + e.getMessage(), e);
        }
    }

    private String token(int uses) {
        String out = cli("tokens", "create", "machine", "--app", APP, "--org", ORG, "--uses", String.valueOf(uses),
                "--ttl", "10m");
        Matcher m = TOKEN.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no join token in: " + out);
        }
        return m.group(1);
    }

    private String cli(String... args) {
        Run r = run(args);
        if (r.exit != 0) {
            throw new IllegalStateException("demo setup failed at 'postern " + String.join(" ", args) + "': " + r.err.strip());
        }
        return r.out;
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliEnvironment e = config.env();
        Map<String, String> vars = new HashMap<>(e.variables());
        vars.put("HOME", e.home().toString());
        vars.put("POSTERN_HOME", e.posternHome().toString());
        // the demo's own commands act on the demo, whatever the person's shell selects
        vars.put(Session.CONTEXT_VARIABLE, context.name());
        vars.remove(Session.ORG_VARIABLE);
        int exit = Main.run(new CliEnvironment(vars, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                e.clock()), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    static Optional<String> currentClassPath() {
        return Optional.ofNullable(System.getProperty("java.class.path")).filter(s -> !s.isBlank());
    }
}
