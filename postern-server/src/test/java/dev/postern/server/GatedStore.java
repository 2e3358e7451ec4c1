package dev.postern.server;

import dev.postern.store.AppStore;
import dev.postern.store.AuditStore;
import dev.postern.store.AuthorityStore;
import dev.postern.store.CertificateStore;
import dev.postern.store.MachineStore;
import dev.postern.store.OrgStore;
import dev.postern.store.PersonStore;
import dev.postern.store.SettingStore;
import dev.postern.store.Store;
import dev.postern.store.TokenStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real store whose first transaction waits at a gate until the test opens it, so that a test can make
 * requests queue up behind it; counts transactions.
 */
final class GatedStore implements Store {
    private final Store real;
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger transactions = new AtomicInteger();

    GatedStore(Store real) {
        this.real = real;
    }

    /** Waits (bounded) until the first transaction is held at the gate. */
    void awaitHeld() throws InterruptedException {
        if (!entered.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no transaction reached the gate within 30 s");
        }
    }

    void open() {
        gate.countDown();
    }

    int transactions() {
        return transactions.get();
    }

    @Override
    public <T> T inTransaction(Function<Store, T> work) {
        if (transactions.getAndIncrement() == 0) {
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return real.inTransaction(work);
    }

    @Override
    public PersonStore people() {
        return real.people();
    }

    @Override
    public TokenStore tokens() {
        return real.tokens();
    }

    @Override
    public OrgStore orgs() {
        return real.orgs();
    }

    @Override
    public AppStore apps() {
        return real.apps();
    }

    @Override
    public dev.postern.store.SecretStore secrets() {
        return real.secrets();
    }

    @Override
    public AuthorityStore authorities() {
        return real.authorities();
    }

    @Override
    public CertificateStore certificates() {
        return real.certificates();
    }

    @Override
    public AuditStore audit() {
        return real.audit();
    }

    @Override
    public SettingStore settings() {
        return real.settings();
    }

    @Override
    public MachineStore machines() {
        return real.machines();
    }

    @Override
    public dev.postern.store.JoinTokenStore joinTokens() {
        return real.joinTokens();
    }

    @Override
    public dev.postern.store.AccessGrantStore accessGrants() {
        return real.accessGrants();
    }

    @Override
    public boolean ping() {
        return real.ping();
    }

    @Override
    public void close() {
        real.close();
    }
}
