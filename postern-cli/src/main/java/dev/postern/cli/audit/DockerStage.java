package dev.postern.cli.audit;

import java.util.List;

/**
 * One build stage: its FROM, the image or earlier stage it starts from, its name ({@code AS name}, lower case,
 * null when unnamed) and the instructions up to the next FROM.
 */
record DockerStage(int index, String image, String name, DockerInstruction from, List<DockerInstruction> body) {
    DockerStage {
        body = List.copyOf(body);
    }
}
