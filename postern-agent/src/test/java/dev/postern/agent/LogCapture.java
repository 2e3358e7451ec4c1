package dev.postern.agent;

/** The test kit's {@link dev.postern.testing.LogCapture}, under the name the agent's tests have always used. */
public final class LogCapture extends dev.postern.testing.LogCapture {
    public LogCapture(String loggerName) {
        super(loggerName);
    }
}
