package dev.postern.agent.tunnel;

import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Handles the gateway's {@code revocations-changed@postern.dev} global request: the org's revocation list
 * changed, fetch it now (polling stays as the fallback).
 */
final class RevocationPush extends AbstractConnectionServiceRequestHandler {
    /** Must equal the gateway's {@code Gateway.REVOCATIONS_CHANGED}; the agent does not depend on the gateway. */
    static final String REQUEST = "revocations-changed@postern.dev";
    private final Runnable onChange;

    RevocationPush(Runnable onChange) {
        this.onChange = onChange;
    }

    @Override
    public RequestHandler.Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer) {
        if (!REQUEST.equals(request)) {
            return RequestHandler.Result.Unsupported;
        }
        onChange.run();
        return RequestHandler.Result.Replied;
    }
}
