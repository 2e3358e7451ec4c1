package dev.postern.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Dockerfile parser against the rules of Docker's reference, one rule per test. */
class DockerfileTest {
    @Test
    void continuationsJoinLinesAndSkipCommentsAndBlankLinesInside() throws DockerfileException {
        Dockerfile f = Dockerfile.parse("FROM debian:12\n"
                + "RUN apt-get update && \\\n"
                + "# a comment inside the continuation\n"
                + "\n"
                + "    apt-get install -y curl \\  \n"
                + "      openssh-server\n"
                + "user app\n");
        DockerInstruction run = f.instructions().get(1);
        assertThat(run.keyword()).isEqualTo("RUN");
        assertThat(run.line()).isEqualTo(2);
        assertThat(run.arguments()).isEqualTo("apt-get update &&     apt-get install -y curl       openssh-server");
        assertThat(run.lineAt(run.arguments().indexOf("openssh-server"))).isEqualTo(6);
        assertThat(run.lineAt(run.arguments().indexOf("curl"))).isEqualTo(5);
        assertThat(run.lineAt(0)).isEqualTo(2);
        // keywords are case-insensitive
        assertThat(f.instructions().get(2).keyword()).isEqualTo("USER");
        assertThat(f.instructions().get(2).line()).isEqualTo(7);
    }

    @Test
    void theEscapeDirectiveChangesTheContinuationCharacter() throws DockerfileException {
        Dockerfile f = Dockerfile.parse("# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir c:\\ `\n  /s\n");
        assertThat(f.escape()).isEqualTo('`');
        assertThat(f.instructions().get(1).arguments()).isEqualTo("dir c:\\   /s");
        // after a comment that is not a directive, "# escape=" is only a comment
        Dockerfile late = Dockerfile.parse("# hello\n# escape=`\nFROM alpine:3\nRUN echo `\n");
        assertThat(late.escape()).isEqualTo('\\');
        // an unknown directive ends the directives too
        assertThat(Dockerfile.parse("# foo=bar\n# escape=`\nFROM alpine:3\n").escape()).isEqualTo('\\');
    }

    @Test
    void badDirectivesAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> Dockerfile.parse("# escape=x\nFROM alpine:3\n"))
                .isInstanceOf(DockerfileException.class).hasMessageContaining("escape directive 'x'")
                .extracting(e -> ((DockerfileException) e).line()).isEqualTo(1);
        assertThatThrownBy(() -> Dockerfile.parse("# syntax=docker/dockerfile:1\n# syntax=x\nFROM alpine:3\n"))
                .isInstanceOf(DockerfileException.class).extracting(e -> ((DockerfileException) e).line())
                .isEqualTo(2);
    }

    @Test
    void hereDocumentsAreKeptWithTheirInstructionAndNotParsedAsInstructions() throws DockerfileException {
        Dockerfile f = Dockerfile.parse("FROM alpine:3\nRUN <<EOF bash\nUSER root\nEXPOSE 22\nEOF\n"
                + "COPY <<-'CONF' /etc/app.conf\n\tkey=value\n\tCONF\nUSER app\n");
        assertThat(f.instructions()).extracting(DockerInstruction::keyword)
                .containsExactly("FROM", "RUN", "COPY", "USER");
        assertThat(f.instructions().get(1).heredocs()).containsExactly("USER root\nEXPOSE 22\n");
        assertThat(f.instructions().get(2).heredocs()).containsExactly("key=value\n");
        assertThat(f.instructions().get(3).line()).isEqualTo(9);
        assertThatThrownBy(() -> Dockerfile.parse("FROM alpine:3\nRUN <<EOF\necho hi\n"))
                .isInstanceOf(DockerfileException.class).hasMessageContaining("<<EOF is not closed");
    }

    @Test
    void execFormIsAJsonArrayOfStringsAndAnythingElseIsShellForm() throws DockerfileException {
        Dockerfile f = Dockerfile.parse("FROM alpine:3\nCMD [\"/usr/sbin/sshd\", \"-D\"]\nCMD [not json]\n");
        assertThat(f.instructions().get(1).execForm()).contains(List.of("/usr/sbin/sshd", "-D"));
        assertThat(f.instructions().get(2).execForm()).isEmpty();
        assertThat(f.instructions().get(2).commandText()).isEqualTo("[not json]");
    }

    @Test
    void stagesHaveNamesAndOnlyArgMayComeBeforeTheFirstFrom() throws DockerfileException {
        Dockerfile f = Dockerfile.parse("ARG V=3\nFROM --platform=$BUILDPLATFORM alpine:${V} AS Build\nRUN x\n"
                + "FROM build\nUSER 1000\n");
        assertThat(f.stages()).hasSize(2);
        assertThat(f.stages().get(0).name()).isEqualTo("build");
        assertThat(f.stages().get(0).image()).isEqualTo("alpine:${V}");
        assertThat(f.finalStage().image()).isEqualTo("build");
        assertThat(f.finalStage().body()).extracting(DockerInstruction::keyword).containsExactly("USER");
        assertThat(f.globalArgs()).hasSize(1);
        assertThatThrownBy(() -> Dockerfile.parse("RUN echo\nFROM alpine:3\n")).isInstanceOf(DockerfileException.class)
                .hasMessageContaining("RUN before the first FROM");
        assertThatThrownBy(() -> Dockerfile.parse("# only a comment\n")).isInstanceOf(DockerfileException.class)
                .hasMessageContaining("no FROM");
        assertThatThrownBy(() -> Dockerfile.parse("FROM alpine AS\n")).isInstanceOf(DockerfileException.class)
                .hasMessageContaining("FROM takes IMAGE [AS NAME]");
    }

    @Test
    void variablesInFromAreSubstitutedFromGlobalArgs() {
        assertThat(DockerfileAudit.substitute("node:${V}-slim", java.util.Map.of("V", "20"))).isEqualTo("node:20-slim");
        assertThat(DockerfileAudit.substitute("node:$V", java.util.Map.of())).isNull();
        assertThat(DockerfileAudit.substitute("node:${V:-22}", java.util.Map.of())).isEqualTo("node:22");
        assertThat(DockerfileAudit.substitute("node${V:+:x}", java.util.Map.of("V", "1"))).isEqualTo("node:x");
    }

    @Test
    void wordsHonourQuotesAndTheEscapeCharacter() {
        assertThat(ShellWords.split("A=\"b c\" D='e $f' G=h\\ i", '\\')).extracting(ShellWords.Word::text)
                .containsExactly("A=b c", "D=e $f", "G=h i");
        assertThat(ShellWords.split("  x  y", '\\')).extracting(ShellWords.Word::offset).containsExactly(2, 5);
    }
}
