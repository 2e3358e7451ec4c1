package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The client archive's training run: every command it trains still runs as meant against its throwaway server (a
 * command that stopped working would silently leave its classes out of the archive), and it cleans up after itself.
 */
class ClientTrainingIT {
    @Test
    void everyTrainedCommandRunsAsMeant() throws Exception {
        Set<String> before = trainingDirs();
        assertThat(ClientTraining.train()).as("commands that did not run as meant").isZero();
        assertThat(trainingDirs()).as("its temporary directory is gone").isSubsetOf(before);
    }

    @Test
    void theTrainedCommandsIncludeTheEverydayOnesAndAMistypedOne() {
        assertThat(ClientTraining.commands("https://127.0.0.1:1", "pst_x", "sha256:x"))
                .contains(List.of("machines", "list", "--app", "training"), List.of("auth", "whoami"),
                        List.of("ssh", "issue", "training", "--dotssh"), List.of("machines", "lst"));
    }

    /** The launcher's second AOT cache (JDK 25) is trained on the API commands alone, and each still runs as meant. */
    @Test
    void theApiTrainingRunsOnlyApiCommandsAndEachRunsAsMeant() throws Exception {
        List<List<String>> api = ClientTraining.commands("https://127.0.0.1:1", "pst_x", "sha256:x", true);
        assertThat(api).contains(List.of("machines", "list", "--app", "training"), List.of("orgs", "list"))
                .allMatch(c -> ClientTraining.API_COMMANDS.contains(c.get(0))
                        || c.subList(0, 2).equals(List.of("auth", "login")), "an API command or the log-in");
        assertThat(ClientTraining.train(true)).as("commands that did not run as meant").isZero();
    }

    private static Set<String> trainingDirs() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("postern-client-training"))
                    .collect(Collectors.toSet());
        }
    }
}
