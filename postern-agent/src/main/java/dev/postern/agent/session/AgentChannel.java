package dev.postern.agent.session;

import dev.postern.ssh.CertificateGrant;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "session" channel: MINA's, plus the certificate's permit-pty, the environment allow-list, and
 * "exit-signal" (RFC 4254 section 6.10), which MINA's server does not send.
 */
public class AgentChannel extends ChannelSession {
    private static final Logger LOG = LoggerFactory.getLogger(AgentChannel.class);

    private final Map<String, String> clientEnv = new LinkedHashMap<>();
    private volatile PtyRequest pty;

    /** The certificate grant of this connection, or null when authentication did not set one. */
    CertificateGrant grant() {
        return getServerSession().getAttribute(CertificateGrant.KEY);
    }

    PtyRequest ptyRequest() {
        return pty;
    }

    synchronized Map<String, String> clientEnv() {
        return Map.copyOf(clientEnv);
    }

    @Override
    protected RequestHandler.Result handlePtyReqParsed(String term, int columns, int rows, int width, int height,
                                                       Map<PtyMode, Integer> modes) throws IOException {
        CertificateGrant grant = grant();
        if (grant == null || !grant.permitPty()) {
            LOG.info("refused pty for {}: the certificate lacks permit-pty", getSession().getUsername());
            return RequestHandler.Result.ReplyFailure;
        }
        pty = new PtyRequest(term, columns, rows);
        return super.handlePtyReqParsed(term, columns, rows, width, height, modes);
    }

    @Override
    protected RequestHandler.Result handleEnvParsed(String name, String value) throws IOException {
        if (!ClientEnvironment.mayClientSet(name)) {
            LOG.debug("ignored env request {}: only LANG, LC_* and TERM may be set by clients", name);
            return RequestHandler.Result.ReplyFailure;
        }
        synchronized (this) {
            clientEnv.put(name, value);
        }
        return super.handleEnvParsed(name, value);
    }

    /** Ends the channel the way sshd does for a child killed by a signal: EOF, "exit-signal", close. */
    void exitWithSignal(int signal, boolean coreDumped) throws IOException {
        if (isClosing()) {
            commandExitFuture.setClosed();
            return;
        }
        sendEof();
        Buffer buffer = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 64);
        buffer.putUInt(getRecipient());
        buffer.putString("exit-signal");
        buffer.putBoolean(false);
        buffer.putString(signalName(signal));
        buffer.putBoolean(coreDumped);
        buffer.putString("");
        buffer.putString("");
        writePacket(buffer);
        commandExitFuture.setClosed();
        close(false);
    }

    static String signalName(int signal) {
        if (signal == 6) {
            return "ABRT"; // MINA calls it IOT; RFC 4254 says ABRT
        }
        Signal s = Signal.get(signal);
        return s == null ? "SIG" + signal : s.name();
    }
}
