package dev.postern.agent.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A closed PTY after its session ended: a person's window-change runs on the reactor after the session closed the
 * master (the shell exited as they resized), and that number may be another session's PTY master by then.
 */
class PtyTest {
    @Test
    void aWindowChangeAfterCloseLeavesTheTerminalThatGotTheNumberAlone() throws Exception {
        Pty ended = Pty.open(80, 24);
        Pty other = Pty.open(100, 40); // another person's session, opened meanwhile on another thread
        int number = ended.master;
        ended.close();
        try {
            assertThat(Descriptors.reuse(number, other.master)).isEqualTo(number); // it got the closed number
            ended.resize(300, 10); // the late window-change
            short[] ws = new short[4];
            Libc.C.ioctl(other.master, Libc.TIOCGWINSZ, ws);
            assertThat(new int[] {ws[1], ws[0]}).as("the other terminal's columns and rows")
                    .containsExactly(100, 40);
        } finally {
            Descriptors.close(number);
            other.close();
        }
    }
}
