package dev.postern.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logging of every {@code postern} command, set up in code (found by logback as a service) instead of a
 * logback.xml. Why: parsing the XML loaded ~150 classes of java.xml and ~100 of logback's Joran, about 0.3 s of
 * the agent's start on a busy 2-core machine (class-load log, docs/BENCHMARKS.md 6). Logs go to stderr so that
 * stdout stays clean for command output, JSON listings and the entrypoint's output. Levels: INFO for Postern's
 * own loggers and the audit log, {@code POSTERN_SSHD_LOG} (default WARN) for MINA, WARN for the libraries,
 * {@code POSTERN_LOG_LEVEL} (default WARN) for everything else; each is a system property or environment
 * variable. A configuration the user names with {@code -Dlogback.configurationFile}, or a test's
 * logback-test.xml, is used instead.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The appender and levels, on {@code context}. */
    static void apply(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("POSTERN_LOG_LEVEL", Level.WARN));
        root.addAppender(stderr);
        context.getLogger("dev.postern").setLevel(Level.INFO);
        context.getLogger("postern.audit").setLevel(Level.INFO);
        Level sshd = level("POSTERN_SSHD_LOG", Level.WARN);
        context.getLogger("org.apache.sshd").setLevel(sshd);
        // MINA's session classes log under their runtime class, and ours extends MINA's server session: without
        // this, MINA's per-login INFO lines would appear under dev.postern
        context.getLogger("dev.postern.ssh.QuickAckSessionFactory").setLevel(sshd);
        for (String library : new String[] {"org.eclipse.jetty", "io.javalin", "org.flywaydb", "com.zaxxer.hikari"}) {
            context.getLogger(library).setLevel(Level.WARN);
        }
    }

    /** The level named by system property or environment variable {@code name}, else {@code otherwise}. */
    private static Level level(String name, Level otherwise) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null ? otherwise : Level.toLevel(value.strip(), otherwise);
    }
}
