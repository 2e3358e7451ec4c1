package dev.postern.gateway;

import java.util.HashMap;
import java.util.Map;

/**
 * How many channels each person has open through the gateway, over all their connections, held under a cap.
 *
 * <p>Why: the per-connection channel limit alone let one member open connection after connection and hold every
 * channel a machine's tunnel carries ({@link GatewayAuthenticator#MACHINE_CHANNELS}), so that nobody else could
 * reach that machine; each of those channels is also an SSH connection to the agent that has not logged in, which
 * the agent's own limits before login (on its listening socket) never see.
 */
final class PersonChannels {
    private record Person(String org, String email) {
    }

    private final int max;
    private final Map<Person, Integer> open = new HashMap<>(); // guarded by this

    PersonChannels(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Counts one more channel of {@code person}; false, and nothing counted, when they are at the cap. */
    synchronized boolean acquire(GatewayLogin.Person person) {
        Person key = new Person(person.org(), person.email());
        int n = open.getOrDefault(key, 0);
        if (n >= max) {
            return false;
        }
        open.put(key, n + 1);
        return true;
    }

    /** Gives back a channel counted by {@link #acquire}. */
    synchronized void release(GatewayLogin.Person person) {
        open.computeIfPresent(new Person(person.org(), person.email()), (k, n) -> n <= 1 ? null : n - 1);
    }
}
