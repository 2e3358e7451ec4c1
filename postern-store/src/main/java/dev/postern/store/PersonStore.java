package dev.postern.store;

import java.time.Instant;
import java.util.Optional;

/** People, by e-mail address (stored and compared lower-case). */
public interface PersonStore {
    /** Creates a person; throws {@link ConflictException} when the e-mail is taken. */
    Person create(String email, Instant at);

    /** The person with this e-mail, creating them when absent. */
    Person getOrCreate(String email, Instant at);

    Optional<Person> byEmail(String email);

    Optional<Person> byId(long id);
}
