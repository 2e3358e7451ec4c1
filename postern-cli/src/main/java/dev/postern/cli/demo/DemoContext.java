package dev.postern.cli.demo;

import dev.postern.cli.client.ConfigFile;
import dev.postern.cli.client.SavedContext;
import dev.postern.cli.client.SavedContexts;
import dev.postern.cli.connect.ContextFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The demo's own login context: named {@code demo} (or {@code demo-2}, ... when taken, in any case or as another's files, so a second demo
 * never replaces the first one's login), made current while the demo runs, and on {@link #restore} removed, with its
 * files under {@code ~/.postern}, and the previous current context put back. Other contexts are never replaced or deleted.
 *
 * @param previous the context that was current before the demo; null for none
 */
record DemoContext(Path posternHome, String name, String previous) {
    static final String NAME = "demo";

    /** Picks a free name and remembers which context is current now. */
    static DemoContext claim(Path posternHome) {
        SavedContexts all = new ConfigFile(posternHome).read();
        String name = NAME;
        for (int i = 2; taken(all, name); i++) {
            name = NAME + "-" + i;
        }
        return new DemoContext(posternHome, name, all.current());
    }

    /** Also a name whose files would be another's ({@code DEMO}): {@code auth login} refuses it too. */
    private static boolean taken(SavedContexts all, String name) {
        return all.find(name).isPresent() || ContextFiles.twin(all.names(), name).isPresent();
    }

    /**
     * Removes the demo's context if it still points at the demo's server and, if no other context was made current
     * meanwhile, makes the previous one current again.
     */
    void restore(String demoServer) {
        ConfigFile file = new ConfigFile(posternHome);
        SavedContexts all = file.read();
        boolean ours = all.find(name).map(SavedContext::server).filter(demoServer::equals).isPresent();
        if (!ours) {
            return;
        }
        boolean wasCurrent = name.equals(all.current());
        SavedContexts after = all.without(name);
        if (wasCurrent && previous != null) {
            after = after.withCurrent(previous);
        }
        file.write(after);
        // its kept keys, ssh configs and cached facts name a server that is gone: left behind, the configs would
        // still claim host names (and keep other contexts' configs from the short ones)
        try {
            for (Path f : ContextFiles.of(posternHome, name)) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // the demo is ending; a leftover file is named by context and harms no other login
        }
    }
}
