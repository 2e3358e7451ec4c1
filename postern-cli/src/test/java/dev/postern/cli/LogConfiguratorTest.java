package dev.postern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

/** The product's log levels, applied to a context of the test's own. */
class LogConfiguratorTest {
    @Test
    void posternLogsInfoAndMinaOnlyWarningsEvenForOurSubclassOfItsSession() {
        LoggerContext context = new LoggerContext();
        LogConfigurator.apply(context);
        assertThat(context.getLogger("dev.postern.agent.Agent").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("postern.audit").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.sshd.server.session.ServerSessionImpl").getEffectiveLevel())
                .isEqualTo(Level.WARN);
        // MINA logs "Session ... authenticated" at INFO under the runtime class of the session
        assertThat(context.getLogger("dev.postern.ssh.QuickAckSessionFactory$QuickAckSession").getEffectiveLevel())
                .isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.eclipse.jetty.server.Server").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("something.else").getEffectiveLevel()).isEqualTo(Level.WARN);
        context.stop();
    }
}
