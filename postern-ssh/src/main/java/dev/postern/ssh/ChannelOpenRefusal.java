package dev.postern.ssh;

import java.io.IOException;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.AbstractChannel;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Refuses a channel open (RFC 4254 section 5.1) with our own words. Why not by failing the open future with a
 * {@code SshChannelOpenException}: MINA 2.16 then keeps the reason code but replaces the description with
 * "Generic error while opening channel", and the client should read why (e.g. "machine m2 is offline"). So the
 * failure is written here and the future handed back to MINA is never completed; the channel is closed, which
 * unregisters it.
 */
public final class ChannelOpenRefusal {
    private ChannelOpenRefusal() {
    }

    /**
     * Sends SSH_MSG_CHANNEL_OPEN_FAILURE for {@code channel} (whose recipient is set) and closes it.
     *
     * @param reason e.g. {@link SshConstants#SSH_OPEN_ADMINISTRATIVELY_PROHIBITED}
     * @return a future to return from {@code doInit}, never completed
     */
    public static OpenFuture refuse(AbstractChannel channel, int reason, String message) {
        try {
            Buffer buf = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE, message.length() + 32);
            buf.putUInt(channel.getRecipient());
            buf.putUInt(reason);
            buf.putString(message);
            buf.putString("");
            channel.getSession().writePacket(buf);
        } catch (IOException e) {
            channel.getSession().exceptionCaught(e);
        }
        channel.close(true);
        return new DefaultOpenFuture(channel, new Object());
    }
}
