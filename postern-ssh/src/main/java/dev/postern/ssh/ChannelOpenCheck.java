package dev.postern.ssh;

import java.util.Optional;

/**
 * Decides whether a {@code forwarded-tcpip} / {@code direct-tcpip} channel for {@code host:port} may be opened.
 * The default denies: implementations name what they allow.
 */
@FunctionalInterface
public interface ChannelOpenCheck {
    /**
     * @param host the "address that was connected" (forwarded-tcpip) or "host to connect" (direct-tcpip)
     * @return empty to allow; otherwise the short refusal sent to the peer in SSH_MSG_CHANNEL_OPEN_FAILURE
     */
    Optional<String> refusal(String host, int port);
}
