package dev.postern.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.channel.IoWriteFutureImpl;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.junit.jupiter.api.Test;

class SftpReplyStreamTest {
    @Test
    void repliesWrittenWhileOneIsOnItsWayLeaveTogetherInOrder() throws IOException {
        RecordingChannel channel = new RecordingChannel();
        SftpReplyStream replies = new SftpReplyStream(channel, 1 << 20, Duration.ofSeconds(30));

        Buffer first = reply("one");
        replies.writeBuffer(first);
        replies.writeBuffer(reply("two"));
        replies.writeBuffer(reply("three"));

        assertThat(channel.writes).hasSize(1);
        assertThat(channel.writes.get(0).getBuffer()).as("the first goes at once, not copied").isSameAs(first);
        channel.complete(0);
        assertThat(channel.writes).hasSize(2);
        assertThat(channel.text(1)).isEqualTo("twothree");
        channel.complete(1);
        replies.writeBuffer(reply("four"));
        assertThat(channel.writes).hasSize(3);
        assertThat(channel.text(2)).isEqualTo("four");
    }

    /** READ data waits as it is; a STATUS is copied out of its request's 256 KiB buffer, which can then go. */
    @Test
    void largeRepliesAreNotCopiedAndSmallOnesDoNotHoldTheirRequestBuffers() throws IOException {
        RecordingChannel channel = new RecordingChannel();
        SftpReplyStream replies = new SftpReplyStream(channel, 1 << 20, Duration.ofSeconds(30));
        replies.writeBuffer(reply("first"));
        ByteArrayBuffer data = new ByteArrayBuffer(64, false);
        data.putRawBytes(new byte[60]);

        replies.writeBuffer(reply("status"));
        replies.writeBuffer(data);
        replies.writeBuffer(reply("status2"));
        channel.complete(0);
        channel.complete(1);
        channel.complete(2);

        assertThat(channel.writes).hasSize(4);
        assertThat(channel.text(1)).isEqualTo("status");
        assertThat(channel.writes.get(1).getBuffer().capacity()).as("a copy, not the 256 KiB request buffer")
                .isLessThan(256 * 1024);
        assertThat(channel.writes.get(2).getBuffer()).isSameAs(data);
        assertThat(channel.text(3)).isEqualTo("status2");
    }

    @Test
    void writesThatFinishAtOnceStillSendEverything() throws IOException {
        RecordingChannel channel = new RecordingChannel();
        channel.completeAtOnce = true;
        SftpReplyStream replies = new SftpReplyStream(channel, 1 << 20, Duration.ofSeconds(30));

        for (int i = 0; i < 1000; i++) {
            replies.writeBuffer(reply("r" + i));
        }

        assertThat(channel.writes).hasSize(1000);
        assertThat(channel.text(999)).isEqualTo("r999");
    }

    /** The bound on memory: a writer waits while too much is queued, and goes on once the client has read. */
    @Test
    void aWriterWaitsWhileTheQueueIsFull() throws Exception {
        RecordingChannel channel = new RecordingChannel();
        SftpReplyStream replies = new SftpReplyStream(channel, 10, Duration.ofSeconds(30));
        replies.writeBuffer(reply("12345678"));

        CompletableFuture<Void> second = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                replies.writeBuffer(reply("abcdefgh"));
                second.complete(null);
            } catch (IOException e) {
                second.completeExceptionally(e);
            }
        });
        writer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (writer.getState() != Thread.State.TIMED_WAITING && !second.isDone() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(second).as("8 queued + 8 more > 10: the writer waits").isNotDone();
        assertThat(channel.writes).hasSize(1);

        channel.complete(0);
        second.get(10, TimeUnit.SECONDS);
        assertThat(channel.writes).hasSize(2);
        assertThat(channel.text(1)).isEqualTo("abcdefgh");
    }

    @Test
    void aClientThatReadsNothingEndsTheSubsystemInsteadOfGrowingTheQueue() throws IOException {
        RecordingChannel channel = new RecordingChannel();
        SftpReplyStream replies = new SftpReplyStream(channel, 10, Duration.ofMillis(50));
        replies.writeBuffer(reply("12345678"));

        assertThatThrownBy(() -> replies.writeBuffer(reply("abcdefgh")))
                .isInstanceOf(IOException.class).hasMessageContaining("read no reply for PT0.05S");
        assertThatThrownBy(() -> replies.writeBuffer(reply("x"))).as("and stays failed")
                .hasMessageContaining("read no reply");
    }

    @Test
    void aFailedChannelWriteFailsTheNextReply() throws IOException {
        RecordingChannel channel = new RecordingChannel();
        SftpReplyStream replies = new SftpReplyStream(channel, 1 << 20, Duration.ofSeconds(30));
        replies.writeBuffer(reply("one"));

        channel.writes.get(0).setValue(new IOException("channel closed"));

        assertThatThrownBy(() -> replies.writeBuffer(reply("two"))).hasMessageContaining("channel closed");
    }

    private static Buffer reply(String text) {
        ByteArrayBuffer b = new ByteArrayBuffer(256 * 1024, false); // a reply in its request's large buffer
        b.putRawBytes(text.getBytes(StandardCharsets.UTF_8));
        return b;
    }

    /** The channel's stream: records each write; a test completes them. */
    private static final class RecordingChannel extends AbstractCloseable implements IoOutputStream {
        final List<IoWriteFutureImpl> writes = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        boolean completeAtOnce;

        @Override
        public synchronized IoWriteFuture writeBuffer(Buffer buffer) {
            IoWriteFutureImpl f = new IoWriteFutureImpl("test", buffer);
            writes.add(f);
            texts.add(new String(buffer.array(), buffer.rpos(), buffer.available(), StandardCharsets.UTF_8));
            if (completeAtOnce) {
                f.setValue(Boolean.TRUE);
            }
            return f;
        }

        String text(int i) {
            return texts.get(i);
        }

        void complete(int i) {
            writes.get(i).setValue(Boolean.TRUE);
        }
    }
}
