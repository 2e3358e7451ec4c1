package dev.postern.server;

import dev.postern.store.AuditEvent;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the certificate log. Request threads hand in a signed certificate's log entry and its audit
 * event, then wait; one writer thread takes everything that queued up while it was committing the previous
 * batch (at most {@link #MAX_BATCH}) and writes it in one transaction: one commit, one H2 chunk or one
 * PostgreSQL WAL flush for the lot. Nobody waits on purpose: a lone request is written at once, and under load
 * batches grow by themselves.
 *
 * <p>{@link #append} returns only after the commit holding its entry returned, so what the API acknowledges is
 * durable. When a batch fails, each of its entries is retried in a transaction of its own, so one bad entry
 * fails only its own request. A crash loses only entries whose requests had no answer yet.
 */
final class IssuanceLog implements AutoCloseable {
    static final int MAX_BATCH = 256;
    private static final Logger LOG = LoggerFactory.getLogger(IssuanceLog.class);

    /** One issued certificate: its log row and its audit row, written together. */
    record Entry(IssuedCertificate certificate, AuditEvent event) {
        Entry {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(event, "event");
        }
    }

    private record Pending(Entry entry, CompletableFuture<Void> done) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final Store store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private boolean closed; // guarded by this

    IssuanceLog(Store store) {
        this.store = Objects.requireNonNull(store, "store");
        this.writer = new Thread(this::run, "postern-issuance-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Records the entry durably and returns once it is committed; throws what recording it threw (a
     * {@link RuntimeException} from the store), or {@link IllegalStateException} after {@link #close}.
     */
    void append(Entry entry) {
        Pending p = new Pending(Objects.requireNonNull(entry, "entry"), new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the certificate log is closed (the server is stopping); retry"
                        + " against a running server");
            }
            queue.add(p);
        }
        try {
            p.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Entries waiting for the writer (not counting the batch it is writing); for tests. */
    int queued() {
        return queue.size();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                // only close() stops the writer, after the queue is drained
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                write(batch);
            }
            batch.clear();
        }
    }

    private void write(List<Pending> batch) {
        try {
            commit(batch);
            batch.forEach(p -> p.done().complete(null));
            return;
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
                return;
            }
            LOG.warn("writing {} certificates in one transaction failed ({}); writing each on its own",
                    batch.size(), e.toString());
        }
        for (Pending p : batch) {
            try {
                commit(List.of(p));
                p.done().complete(null);
            } catch (RuntimeException | Error e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    private void commit(List<Pending> batch) {
        List<IssuedCertificate> certs = new ArrayList<>(batch.size());
        List<AuditEvent> events = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            certs.add(p.entry().certificate());
            events.add(p.entry().event());
        }
        store.inTransaction(tx -> {
            tx.certificates().recordAll(certs);
            tx.audit().appendAll(events);
            return null;
        });
    }

    /** Writes what is queued, then stops the writer; later appends are refused. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
