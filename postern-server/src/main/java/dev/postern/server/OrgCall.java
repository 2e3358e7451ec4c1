package dev.postern.server;

import dev.postern.store.CallerInOrg;

/**
 * An authenticated caller of a request on one org, with what the store said about them there (org, membership,
 * CA stamp), all read in one query by {@link TokenAuthenticator#sessionIn}.
 */
record OrgCall(Caller caller, String orgName, CallerInOrg row) {
}
