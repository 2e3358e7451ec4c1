package dev.postern.agent.files;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;

/**
 * The sizes of one SFTP subsystem, resolved once when it starts (from the channel, its session, the server and
 * MINA's {@code org.apache.sshd.config.*} system properties, in that order, as MINA would).
 *
 * <p>READ and WRITE default to OpenSSH's sftp-server's largest, which {@code limits@openssh.com} announces: the
 * OpenSSH client then asks for 255 KiB per READ, where MINA's default (63 KiB) made it send four times as many
 * requests, each with its reply, its file read and its packets. A value configured on the server (or as a system
 * property) is kept.
 *
 * <pre>{@code
 * SftpLimits limits = SftpLimits.of(channel);   // read, write, replies queued, wait
 * }</pre>
 *
 * @param maxRead the largest READ answered in full (longer ones get this many bytes)
 * @param maxWrite the largest WRITE accepted
 * @param maxQueued how many bytes of replies may wait for the client before the subsystem waits too
 * @param maxWait how long the subsystem waits for the client to read replies before it gives up
 */
record SftpLimits(int maxRead, int maxWrite, int maxQueued, Duration maxWait) {
    /** OpenSSH sftp-server's largest READ and WRITE: its SFTP_MAX_MSG_LENGTH (256 KiB) less 1 KiB for headers. */
    static final int OPENSSH_MAX_LENGTH = 256 * 1024 - 1024;

    SftpLimits {
        if (maxRead < SftpModuleProperties.MIN_READDATA_PACKET_LENGTH) {
            throw new IllegalArgumentException(SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getName() + " is "
                    + maxRead + "; set it to " + SftpModuleProperties.MIN_READDATA_PACKET_LENGTH + " or more");
        }
        if (maxQueued <= 0) {
            throw new IllegalArgumentException(CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_SIZE.getName()
                    + " is " + maxQueued + "; set it to a positive number of bytes");
        }
    }

    /** The limits configured for {@code resolver} (an SFTP channel), with the agent's defaults where none is set. */
    static SftpLimits of(PropertyResolver resolver) {
        return new SftpLimits(
                valid(SftpModuleProperties.MAX_READDATA_PACKET_LENGTH, SftpModuleProperties.MIN_READDATA_PACKET_LENGTH,
                        () -> SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.getOrCustomDefault(resolver,
                                OPENSSH_MAX_LENGTH)),
                valid(SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH, SftpModuleProperties.MIN_WRITEDATA_PACKET_LENGTH,
                        () -> SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.getRequired(resolver)),
                CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_SIZE.getOrCustomDefault(resolver,
                        SftpReplyStream.DEFAULT_MAX_QUEUED),
                CoreModuleProperties.BUFFERED_IO_OUTPUT_MAX_PENDING_WRITE_WAIT.getRequired(resolver));
    }

    /** MINA's own check says only "Length is below min.: 10"; this names the property and the fix. */
    private static int valid(Property<Integer> property, int min, Supplier<Integer> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property.getName() + " is invalid (" + e.getMessage() + "); set it to "
                    + min + " or more", e);
        }
    }

    /**
     * Stores READ's and WRITE's sizes on {@code session}, where MINA looks first: MINA reads them by name for every
     * READ and WRITE, and a value not found on the session was otherwise looked up on the server and then among the
     * system properties (a string concatenation and a {@code System.getProperty} per request).
     */
    void pinOn(PropertyResolver session) {
        SftpModuleProperties.MAX_READDATA_PACKET_LENGTH.set(session, maxRead);
        SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(session, maxWrite);
    }
}
