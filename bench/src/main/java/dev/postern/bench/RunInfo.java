package dev.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where and what was measured: machine, JDK, OpenSSH, commit, date, mode; recorded with every result. */
final class RunInfo {
    private RunInfo() {
    }

    static Map<String, String> collect(Options options, Instant started) {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("date", started.toString());
        info.put("mode", options.quick() ? "quick" : "full");
        info.put("commit", git(options.repo(), "rev-parse", "--short=12", "HEAD")
                + (git(options.repo(), "status", "--porcelain", "--untracked-files=no").isBlank() ? "" : " (with uncommitted changes)"));
        info.put("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        info.put("memory", memTotal());
        info.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        info.put("os", osRelease());
        info.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        info.put("openssh", first(run(List.of("ssh", "-V"))));
        // this machine is shared: other work's load moves every number, so each run records it
        info.put("load average at start (1, 5, 15 min)", loadAverage());
        String agentJava = System.getenv("POSTERN_JAVA");
        info.put("POSTERN_JAVA (the launcher's Java for agents and the CLI)", agentJava == null || agentJava.isBlank()
                ? "unset: the newest JDK >= 17 the launcher finds" : agentJava);
        info.put("agent JVM flags", options.agentJavaOpts()
                .map(opts -> opts.isEmpty() ? "(none: JDK defaults; POSTERN_AGENT_JAVA_OPTS is empty)"
                        : String.join(" ", opts) + " (POSTERN_AGENT_JAVA_OPTS)")
                .orElse("the postern launcher's for 'postern agent' (see 'agent command line')"));
        return info;
    }

    /** The command line of a running process, as the kernel has it (after the launcher's exec). */
    static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB").findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String osRelease() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String git(Path repo, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        cmd.addAll(List.of(args));
        return run(cmd).strip();
    }

    private static String run(List<String> cmd) {
        try {
            return Proc.run(Duration.ofSeconds(10), cmd).output();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String first(String text) {
        return text.lines().findFirst().orElse("?").strip();
    }

    /** The first three fields of /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
