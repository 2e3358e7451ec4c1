package dev.postern.server;

import dev.postern.store.AuditEvent;
import dev.postern.store.IssuedCertificate;
import dev.postern.store.Store;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the certificate log. Request threads hand in a signed certificate's log entry and its audit
 * event, then wait; one writer thread takes everything that queued up while it was committing the previous
 * batch (at most {@link #MAX_BATCH}) and writes it in one transaction: one commit, one H2 chunk or one
 * PostgreSQL WAL flush for the lot. Requests announce themselves with {@link #reserve} when they arrive; while
 * reserved entries are on their way the writer waits for them, at most {@link #GATHER_NANOS} after the first
 * entry of a batch, so a batch holds what is being issued right now. A lone request is written at once.
 *
 * <p>{@link #append} returns only after the commit holding its entry returned, so what the API acknowledges is
 * durable. When a batch fails, each of its entries is retried in a transaction of its own, so one bad entry
 * fails only its own request. A crash loses only entries whose requests had no answer yet.
 */
final class IssuanceLog implements AutoCloseable {
    static final int MAX_BATCH = 256;
    /**
     * How long the writer holds a batch open for reserved entries still on their way (looked up, parsed, signed:
     * a few hundred microseconds): on H2 a commit of 8 costs about 55 us of CPU per certificate, a commit of 1 or
     * 2 over 120 us, and the wait itself costs no CPU.
     */
    static final long GATHER_NANOS = 500_000;
    private static final Logger LOG = LoggerFactory.getLogger(IssuanceLog.class);

    /**
     * One issued certificate: its log row and its audit row, written together, and the login its subject held in
     * the org when it was signed (null: none). The commit checks the subject still holds it, under the membership
     * row's lock: a certificate signed just before its subject was removed or renamed is refused rather than
     * committed after the change revoked the subject's certificates.
     */
    record Entry(IssuedCertificate certificate, AuditEvent event, String login, List<Long> grantedApps) {
        Entry {
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(event, "event");
            grantedApps = List.copyOf(grantedApps);
        }

        /** An entry whose subject needs no access grant (an owner or admin). */
        Entry(IssuedCertificate certificate, AuditEvent event, String login) {
            this(certificate, event, login, List.of());
        }
    }

    private record Pending(Entry entry, CompletableFuture<Void> done) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final Store store;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final IntConsumer committed;
    /** Reserved entries not yet appended: the writer waits for these. */
    private final AtomicInteger coming = new AtomicInteger();
    private boolean closed; // guarded by this

    IssuanceLog(Store store) {
        this(store, size -> { });
    }

    /** As {@link #IssuanceLog(Store)}, telling {@code committed} the size of every committed batch (metrics). */
    IssuanceLog(Store store, IntConsumer committed) {
        this.store = Objects.requireNonNull(store, "store");
        this.committed = Objects.requireNonNull(committed, "committed");
        this.writer = new Thread(this::run, "postern-issuance-log");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Announces an entry that may soon be appended (a request that just arrived); close the reservation whatever
     * happens, appending through it or not.
     */
    Reservation reserve() {
        coming.incrementAndGet();
        return new Reservation();
    }

    /** An entry on its way; {@link #close} withdraws it if it was not appended. */
    final class Reservation implements AutoCloseable {
        private boolean open = true;

        /** As {@link IssuanceLog#append}, ending the reservation once the entry is queued. */
        void append(Entry entry) {
            Pending p;
            try {
                p = enqueue(entry);
            } finally {
                close();
            }
            await(p);
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                coming.decrementAndGet();
            }
        }
    }

    /**
     * Records the entry durably and returns once it is committed; throws what recording it threw (a
     * {@link RuntimeException} from the store), or {@link IllegalStateException} after {@link #close}.
     */
    void append(Entry entry) {
        await(enqueue(entry));
    }

    private Pending enqueue(Entry entry) {
        Pending p = new Pending(Objects.requireNonNull(entry, "entry"), new CompletableFuture<>());
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the certificate log is closed (the server is stopping); retry"
                        + " against a running server");
            }
            queue.add(p);
        }
        return p;
    }

    private static void await(Pending p) {
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
            gather(batch);
            stop = removeStop(batch);
            if (!batch.isEmpty()) {
                try {
                    write(batch);
                } catch (RuntimeException e) {
                    // a bug after the commit (say, in a metrics callback) must not stop the writer
                    LOG.error("certificate log writer failed after a commit", e);
                    batch.forEach(p -> p.done().completeExceptionally(e));
                }
            }
            batch.clear();
        }
    }

    /** Waits, bounded, for reserved entries that are still being signed to join the batch. */
    private void gather(List<Pending> batch) {
        long deadline = System.nanoTime() + GATHER_NANOS;
        while (batch.size() < MAX_BATCH && coming.get() > 0 && batch.get(batch.size() - 1) != STOP) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Pending next;
            try {
                next = queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, MAX_BATCH - batch.size());
        }
    }

    /** Takes the stop marker out of the batch (by identity); true when it was there. */
    private static boolean removeStop(List<Pending> batch) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            if (batch.get(i) == STOP) {
                batch.remove(i);
                return true;
            }
        }
        return false;
    }

    private void write(List<Pending> batch) {
        if (commitOrFail(batch)) {
            batch.forEach(p -> p.done().complete(null));
            committed.accept(batch.size());
            return;
        }
        if (batch.size() == 1) {
            // its request was already told it failed: writing it again could record a certificate whose request
            // was refused (the grant or membership may have changed back in between)
            return;
        }
        for (Pending p : batch) {
            if (commitOrFail(List.of(p))) {
                p.done().complete(null);
                committed.accept(1);
            }
        }
    }

    /**
     * Commits the batch; on failure, a lone entry's request gets the failure and false is returned (a batch of
     * several is then written entry by entry by the caller).
     */
    private boolean commitOrFail(List<Pending> batch) {
        try {
            commit(batch);
            return true;
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.get(0).done().completeExceptionally(e);
            } else {
                LOG.warn("writing {} certificates in one transaction failed ({}); writing each on its own",
                        batch.size(), e.toString());
            }
            return false;
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
            // each membership once, in a fixed order, so that two servers sharing a database lock them alike
            List<Entry> subjects = batch.stream().map(Pending::entry)
                    .sorted(Comparator.comparingLong((Entry e) -> e.certificate().orgId())
                            .thenComparingLong(e -> e.certificate().personId()))
                    .toList();
            Entry previous = null;
            for (Entry e : subjects) {
                IssuedCertificate c = e.certificate();
                boolean same = previous != null && previous.certificate().orgId() == c.orgId()
                        && previous.certificate().personId() == c.personId()
                        && Objects.equals(previous.login(), e.login());
                previous = e;
                if (!same && !tx.orgs().holdsLogin(c.orgId(), c.personId(), e.login())) {
                    // fails the batch; written one by one, only this request gets the refusal
                    throw ApiException.conflict("certificate " + c.keyId() + " was not issued: its subject was"
                            + " removed from the org or given another login while it was being signed; ask again");
                }
                // a member's grants, locked: a revocation racing this commit either waits and then revokes the
                // certificate, or has happened and the certificate is refused
                for (long app : e.grantedApps()) {
                    Optional<List<String>> logins = tx.accessGrants().lockLogins(app, c.personId());
                    if (logins.isEmpty() || !logins.get().containsAll(c.principals())) {
                        throw ApiException.conflict("certificate " + c.keyId() + " was not issued: its subject's"
                                + " access grants changed while it was being signed; ask again");
                    }
                }
            }
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
