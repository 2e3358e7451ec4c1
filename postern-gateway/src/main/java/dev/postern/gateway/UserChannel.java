package dev.postern.gateway;

import dev.postern.ssh.ChannelOpenRefusal;
import dev.postern.ssh.ChannelOutput;
import java.io.IOException;
import java.net.SocketAddress;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.apache.sshd.server.channel.PuttyRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A person's {@code direct-tcpip} channel (RFC 4254 section 7.2, what {@code ssh -J} opens), spliced in process
 * to a {@link MachineChannel} on the machine's tunnel. No TCP connection is made: the bytes go from one SSH
 * connection to the other, still encrypted end to end by the inner session between the person and the agent.
 */
final class UserChannel extends AbstractServerChannel {
    static final String TYPE = "direct-tcpip";
    private static final Logger LOG = LoggerFactory.getLogger(UserChannel.class);
    private final Router router;
    private final PersonChannels channels;
    private volatile ChannelOutput out;
    private volatile MachineChannel peer;
    private volatile OpenFuture opening;
    private volatile String app;
    private volatile String machineId;

    UserChannel(Router router, PersonChannels channels) {
        // plink -nc (PuTTY's ProxyCommand) sends its hints on this channel: answered quietly as MINA's sessions do
        super("", java.util.List.of(PuttyRequestHandler.INSTANCE), null);
        this.router = router;
        this.channels = channels;
    }

    static ChannelFactory factory(Router router, PersonChannels channels) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return TYPE;
            }

            @Override
            public org.apache.sshd.common.channel.Channel createChannel(Session session) {
                return new UserChannel(router, channels);
            }
        };
    }

    /** The app of the machine this channel reaches; null until routed. */
    String app() {
        return app;
    }

    ChannelOutput output() {
        return out;
    }

    /** The machine's end of this channel; null before routing or when refused. */
    MachineChannel machinePeer() {
        return peer;
    }

    /** The machine this channel was routed to; null before routing or when refused. */
    String machineId() {
        return machineId;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        String host = buffer.getString();
        int port = buffer.getInt();
        buffer.getString(); // originator: we know the real one, the session's remote address
        buffer.getInt();
        OpenFuture f = new DefaultOpenFuture(this, this);
        opening = f;
        Session session = getSession();
        GatewayLogin login = session.getAttribute(GatewayLogin.KEY);
        Tunnels.Tunnel tunnel;
        try {
            tunnel = router.route(login, host, port);
        } catch (Router.Refusal r) {
            LOG.warn("channel refused: {} ({}); key_id=\"{}\" target={}:{} from={}", r.getMessage(), r.detail,
                    login == null ? "" : GatewayAuthenticator.printable(login.certificate().getId()),
                    GatewayAuthenticator.printable(host), port, session.getRemoteAddress());
            return fail(f, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, r.getMessage());
        }
        GatewayLogin.Person person = (GatewayLogin.Person) login; // route() lets only people through
        if (!channels.acquire(person)) {
            LOG.warn("channel refused: {} has {} channels open through the gateway; key_id=\"{}\" target={}:{} from={}",
                    GatewayAuthenticator.printable(person.email()), channels.max(),
                    GatewayAuthenticator.printable(login.certificate().getId()), GatewayAuthenticator.printable(host),
                    port, session.getRemoteAddress());
            return fail(f, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, "too many channels open through the gateway for "
                    + GatewayAuthenticator.printable(person.email()) + " (limit " + channels.max()
                    + "); close some and try again");
        }
        addCloseFutureListener(c -> channels.release(person));
        app = tunnel.machine().app();
        out = new ChannelOutput(this, this::sendEof);
        SocketAddress origin = session.getRemoteAddress();
        MachineChannel machine = new MachineChannel(tunnel.machine().hostName(), origin, this);
        peer = machine;
        String id = tunnel.machine().id();
        machineId = id;
        try {
            ConnectionService service = tunnel.session().getService(ConnectionService.class);
            service.registerChannel(machine);
            // The person's channel is confirmed by machineOpened(), not by this listener: the machine's first bytes
            // may be handled before open() returns here, and a listener added now would run after them.
            machine.open().addListener(opened -> {
                if (opened.isOpened()) {
                    machine.addCloseFutureListener(c -> close(false));
                    addCloseFutureListener(c -> machine.close(false));
                    LOG.info("{} connected to machine {} from {}", person.email(), id, origin);
                } else {
                    LOG.warn("machine {} refused the tunnel channel: {}", id, String.valueOf(opened.getException()));
                    fail(f, SshConstants.SSH_OPEN_CONNECT_FAILED, "machine " + id + " refused the connection");
                }
            });
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot open a channel on the tunnel of machine {}: {}", id, e.toString());
            machine.close(true);
            return fail(f, SshConstants.SSH_OPEN_CONNECT_FAILED, tunnel.session().isClosing()
                    ? "machine " + id + " is offline"
                    : "machine " + id + " cannot take another connection right now; try again");
        }
        return f;
    }

    /**
     * The machine confirmed its end: sends SSH_MSG_CHANNEL_OPEN_CONFIRMATION to the person. Called by
     * {@link MachineChannel#doOpen} on the thread that handles the machine's confirmation, before any data the
     * machine sends after it (its SSH identification line comes at once) is forwarded here: RFC 4254 section 5.1
     * allows data only on a confirmed channel, and OpenSSH drops data that arrives before the confirmation.
     */
    void machineOpened() {
        signalChannelOpenSuccess();
        opening.setOpened();
    }

    private OpenFuture fail(OpenFuture f, int reason, String message) {
        return ChannelOpenRefusal.refuse(this, reason, message);
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        super.handleWindowAdjust(buffer);
        ChannelOutput o = out;
        if (o != null) {
            o.onWindowExpanded();
        }
    }

    @Override
    protected boolean mayWrite() {
        return !isClosed();
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        Splice.forward(this, peer.output(), data, off, len);
    }

    @Override
    protected void doWriteExtendedData(byte[] data, int off, long len) throws IOException {
        throw new IOException("direct-tcpip carries no extended data");
    }

    @Override
    public void handleEof() throws IOException {
        super.handleEof();
        MachineChannel p = peer;
        if (p != null && p.output() != null) {
            p.output().finish();
        }
    }
}
