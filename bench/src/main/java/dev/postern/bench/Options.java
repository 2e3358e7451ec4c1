package dev.postern.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Command line of {@code bench/run}.
 *
 * @param quick smaller sizes and fewer rounds (the whole suite in under 2 minutes)
 * @param only benchmark numbers to run; empty for all
 * @param jfr record a JFR profile of each agent into the results directory
 * @param agentJavaOpts JVM flags of the agent child process (POSTERN_AGENT_JAVA_OPTS), or empty to start the agent
 *     through the {@code postern} launcher with the flags users get
 * @param repo the repository root
 * @param cliJar postern-cli's jar (its lib/ beside it)
 * @param results where the table and JSON go
 */
record Options(boolean quick, Set<Integer> only, boolean jfr, Optional<List<String>> agentJavaOpts, Path repo,
               Path cliJar, Path results) {
    Options {
        only = Set.copyOf(only);
        agentJavaOpts = agentJavaOpts.map(List::copyOf);
    }

    /** The {@code postern} launcher at the repository root. */
    Path launcher() {
        return repo.resolve("postern");
    }

    boolean runs(int bench) {
        return only.isEmpty() || only.contains(bench);
    }

    /**
     * The whole suite's time budget: 11 minutes by default, 3 with --quick (including setup; round 3 added a
     * plain-HTTP server to 5 and the {@code postern ssh console} row to 4).
     */
    Duration budget() {
        return quick ? Duration.ofSeconds(180) : Duration.ofSeconds(660);
    }

    static Options parse(String[] args, Path repo, Path cliJar) {
        boolean quick = false;
        boolean jfr = false;
        Set<Integer> only = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--jfr" -> jfr = true;
                case "--only" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--only needs benchmark numbers, e.g. --only 1,2");
                    }
                    for (String n : args[++i].split(",")) {
                        try {
                            int b = Integer.parseInt(n.strip());
                            if (b < 1 || b > 8) {
                                throw new NumberFormatException();
                            }
                            only.add(b);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--only " + args[i] + ": '" + n
                                    + "' is not a benchmark number 1..8; e.g. --only 1,2");
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: bench/run [--quick] [--only N,M] [--jfr]");
            }
        }
        String env = System.getenv("POSTERN_AGENT_JAVA_OPTS");
        Optional<List<String>> agentOpts = env == null ? Optional.empty()
                : Optional.of(env.isBlank() ? List.of() : List.of(env.strip().split("\\s+")));
        return new Options(quick, only, jfr, agentOpts, repo, cliJar, repo.resolve("bench/results"));
    }
}
