package dev.postern.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Dockerfile rules on forms the samples do not show: legacy ENV, global ARGs, digests, checksums, UID 0. */
class DockerfileAuditTest {
    private static List<String> findings(String text) {
        return ConfigAudit.dockerfile(text, "Dockerfile", "web").stream()
                .map(f -> f.id() + "@" + f.line() + ":" + f.severity().label()).collect(Collectors.toList());
    }

    @Test
    void legacyEnvGlobalArgsAndSeveralArgsOnALine() {
        assertThat(findings("ARG GITHUB_TOKEN=ghp_R4nd0mT0k3nV4lu3xYz12345\n"        // 1: global ARG with a default
                + "FROM alpine:3.20@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                + "ENV DB_PASSWORD hunter2 and more\n"                                 // 3: legacy form
                + "ARG VERSION=1 NPM_TOKEN\n"                                           // 4: two ARGs
                + "ENV TOKEN_FILE=/run/secrets/token GREETING=hello\n"                  // 5: nothing
                + "USER 0:0\n"))                                                         // 6: root by UID
                .containsExactlyInAnyOrder("PST-DOCKER-SECRET@1:high", "PST-DOCKER-SECRET@3:high",
                        "PST-DOCKER-SECRET@4:medium", "PST-DOCKER-ROOT@6:medium");
    }

    @Test
    void digestsScratchChecksumsAndStageReferencesAreFine() {
        assertThat(findings("FROM golang:latest@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb AS b\n"
                + "ADD --checksum=sha256:cccc https://example.com/x.tgz /x.tgz\n"
                + "FROM b AS c\n"
                + "FROM scratch\n"
                + "COPY --from=c /x /x\n"
                + "USER 65532\n")).isEmpty();
    }

    @Test
    void sshdIsHighOnlyWhenExposedAndOnlyInTheFinalImage() {
        assertThat(findings("FROM debian:12@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n"
                + "RUN DEBIAN_FRONTEND=noninteractive apt-get -y install openssh-server=1:9.2p1-2\n"
                + "RUN echo 'ListenAddress 0.0.0.0' >> /etc/ssh/sshd_config\n"
                + "USER app\n"))
                .containsExactly("PST-DOCKER-SSHD@2:high");
        assertThat(findings("FROM debian:12@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n"
                + "RUN apt-get install -y openssh-client\n"
                + "EXPOSE 22/tcp\n"
                + "USER app\n")).isEmpty();
        assertThat(findings("FROM alpine:3.20@sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n"
                + "RUN apk add openssh\n"
                + "EXPOSE 8080 22/tcp\n"
                + "USER app\n"))
                .containsExactly("PST-DOCKER-SSHD@2:high");
    }
}
