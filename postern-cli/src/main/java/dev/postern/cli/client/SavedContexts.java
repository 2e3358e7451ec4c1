package dev.postern.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every saved login and which one is current; what {@code $POSTERN_HOME/config.json} holds. Immutable: the
 * {@code with...} methods return a changed copy for {@link ConfigFile#write}.
 *
 * @param current name of the context commands use when neither {@code --context} nor POSTERN_CONTEXT names one;
 *                null when none is
 */
public record SavedContexts(String current, List<SavedContext> contexts) {
    public SavedContexts {
        contexts = List.copyOf(contexts);
        String named = current;
        if (named != null && contexts.stream().noneMatch(c -> c.name().equals(named))) {
            current = null;
        }
    }

    public static SavedContexts empty() {
        return new SavedContexts(null, List.of());
    }

    public Optional<SavedContext> find(String name) {
        return contexts.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<SavedContext> currentContext() {
        return current == null ? Optional.empty() : find(current);
    }

    /** Adds or replaces the context of that name (in place, keeping the order). */
    public SavedContexts with(SavedContext context, boolean makeCurrent) {
        Objects.requireNonNull(context, "context");
        List<SavedContext> list = new ArrayList<>(contexts);
        int i = names().indexOf(context.name());
        if (i >= 0) {
            list.set(i, context);
        } else {
            list.add(context);
        }
        return new SavedContexts(makeCurrent ? context.name() : current, list);
    }

    /** Without that context; when it was current, none is. */
    public SavedContexts without(String name) {
        return new SavedContexts(name.equals(current) ? null : current,
                contexts.stream().filter(c -> !c.name().equals(name)).toList());
    }

    public SavedContexts withCurrent(String name) {
        return new SavedContexts(name, contexts);
    }

    public List<String> names() {
        return contexts.stream().map(SavedContext::name).toList();
    }
}
