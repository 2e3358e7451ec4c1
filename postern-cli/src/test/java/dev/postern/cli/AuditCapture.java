package dev.postern.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The audit lines ({@code postern.audit}) of the agents running in this JVM, as they write them. */
final class AuditCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger("postern.audit");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level level = logger.getLevel();

    AuditCapture() {
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // this module's logback-test.xml keeps only warnings
        appender.start();
        logger.addAppender(appender);
    }

    /** The session.end lines so far. */
    List<String> sessionEnds() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(l -> l.contains("\"event\":\"session.end\"")).toList();
        }
    }

    /** Every captured line (for failure messages). */
    List<String> all() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** Whether some session.end line carries a reason containing {@code text}. */
    boolean endedWith(String text) {
        return sessionEnds().stream().anyMatch(l -> l.matches(".*\"reason\":\"[^\"]*" + java.util.regex.Pattern.quote(text)
                + ".*"));
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
    }
}
