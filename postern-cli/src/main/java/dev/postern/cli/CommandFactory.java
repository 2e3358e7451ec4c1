package dev.postern.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates command objects, handing the {@link CliEnvironment} to those whose constructor takes one, so no
 * command reaches for System.getenv or the real home directory.
 */
final class CommandFactory implements CommandLine.IFactory {
    private final CliEnvironment env;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        for (Constructor<?> c : cls.getDeclaredConstructors()) {
            Class<?>[] types = c.getParameterTypes();
            if (types.length == 1 && types[0] == CliEnvironment.class) {
                c.setAccessible(true);
                return cls.cast(c.newInstance(env));
            }
        }
        return fallback.create(cls);
    }
}
