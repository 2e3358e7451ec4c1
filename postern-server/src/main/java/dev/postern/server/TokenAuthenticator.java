package dev.postern.server;

import dev.postern.store.ApiToken;
import dev.postern.store.CallerInOrg;
import dev.postern.store.Person;
import dev.postern.store.Store;
import dev.postern.store.TokenKind;
import io.javalin.http.Context;
import java.time.Clock;

/** Turns the {@code Authorization: Bearer} header into a {@link Caller}, or refuses with 401. */
final class TokenAuthenticator {
    private static final String LOGIN_HINT = "log in with 'postern auth login --server URL --token TOKEN'";
    private final Store store;
    private final Clock clock;

    TokenAuthenticator(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The caller of a request that needs a session token. */
    Caller session(Context ctx) {
        ApiToken token = lookup(ctx);
        checkSession(token);
        return caller(ctx, token);
    }

    private static void checkSession(ApiToken token) {
        if (token.kind() != TokenKind.SESSION) {
            throw ApiException.unauthorized("this is a one-time token; exchange it first: " + LOGIN_HINT);
        }
    }

    /**
     * As {@link #session}, reading the caller's org, membership and the org's CA stamp in the same query (one
     * database round trip instead of five) for the hottest route, issuing. The 401s are thrown here in the order
     * {@link #session} throws them; {@link OrgAccess#scope} throws the 404 for a non-member.
     */
    OrgCall sessionIn(Context ctx, String orgName) {
        String hash = Secrets.hash(secret(ctx));
        CallerInOrg row = store.callerInOrg(hash, orgName).orElseThrow(TokenAuthenticator::invalid);
        checkUnexpired(row.token());
        checkSession(row.token());
        if (row.person() == null) {
            throw personGone();
        }
        return new OrgCall(new Caller(row.person(), hash, ctx.ip()), orgName, row);
    }

    /** The caller of a login, who presents a one-time token; {@link #consume} uses it up. */
    Caller oneTime(Context ctx) {
        ApiToken token = lookup(ctx);
        if (token.kind() != TokenKind.INVITE) {
            throw ApiException.badRequest("this token is already a session token; you are logged in");
        }
        if (token.usedAt() != null) {
            throw used();
        }
        return caller(ctx, token);
    }

    /** Uses up the caller's one-time token within {@code tx}; throws when someone else used it first. */
    void consume(Store tx, Caller caller) {
        if (!tx.tokens().markUsed(caller.tokenHash(), clock.instant())) {
            throw used();
        }
    }

    private static ApiException used() {
        return ApiException.unauthorized("this one-time token was already used; ask an org admin for a new invite"
                + " ('postern members add')");
    }

    private ApiToken lookup(Context ctx) {
        ApiToken token = store.tokens().byHash(Secrets.hash(secret(ctx))).orElseThrow(TokenAuthenticator::invalid);
        checkUnexpired(token);
        return token;
    }

    private static String secret(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            throw ApiException.unauthorized("no API token: " + LOGIN_HINT);
        }
        return header.substring("Bearer ".length()).trim();
    }

    private static ApiException invalid() {
        return ApiException.unauthorized("the API token is not valid (wrong, revoked or logged out): " + LOGIN_HINT);
    }

    private void checkUnexpired(ApiToken token) {
        if (!clock.instant().isBefore(token.expiresAt())) {
            throw ApiException.unauthorized("the API token expired at " + token.expiresAt() + ": " + LOGIN_HINT);
        }
    }

    private static ApiException personGone() {
        return ApiException.unauthorized("the person of this token no longer exists");
    }

    private Caller caller(Context ctx, ApiToken token) {
        Person person = store.people().byId(token.personId()).orElseThrow(TokenAuthenticator::personGone);
        return new Caller(person, token.hash(), ctx.ip());
    }
}
