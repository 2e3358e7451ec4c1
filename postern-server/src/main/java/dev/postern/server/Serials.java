package dev.postern.server;

import dev.postern.store.CertificateStore;
import dev.postern.store.Store;

/**
 * Certificate serials taken from the store's sequence a block at a time, so that issuing does not cost a
 * database round trip per serial. Serials stay unique across restarts and replicas (each block comes from the
 * shared sequence); a block left unused when the server stops is a gap in the log, never a reuse.
 */
final class Serials {
    static final int BLOCK = 64;
    private final Store store;
    private final int block;
    private long[] current = new long[0]; // guarded by this
    private int next; // guarded by this

    Serials(Store store, int block) {
        CertificateStore.checkSerialCount(block);
        this.store = store;
        this.block = block;
    }

    synchronized long next() {
        if (next == current.length) {
            current = store.certificates().nextSerials(block);
            next = 0;
        }
        return current[next++];
    }
}
