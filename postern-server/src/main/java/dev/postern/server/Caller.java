package dev.postern.server;

import dev.postern.store.Person;

/** The authenticated person behind a request, with the hash of the token they used and their address. */
record Caller(Person person, String tokenHash, String source) {
    String email() {
        return person.email();
    }
}
