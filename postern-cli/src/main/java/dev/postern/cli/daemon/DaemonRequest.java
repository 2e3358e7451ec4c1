package dev.postern.cli.daemon;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asks the daemon: run a command line ({@code run}), or report ({@code status}) or stop
 * ({@code stop}). A {@code run} carries everything a fresh JVM would have taken from its process: the arguments, the
 * full environment, the working directory and the charset of its standard output; and the {@link JarStamp} of the
 * client's jar and Java, which must be the daemon's own. java.base only (the thin client loads this).
 *
 * @param kind {@code run}, {@code status} or {@code stop}
 * @param stamp the client's {@link JarStamp}
 * @param charset the charset a fresh JVM would write standard output and error in
 */
record DaemonRequest(int version, String kind, String stamp, String cwd, String charset, List<String> args,
                     Map<String, String> env) {
    /** Bumped whenever the request or frames change; a daemon answers another version {@link Frames#STALE}. */
    static final int VERSION = 1;
    private static final int MAGIC = 0x50535444; // "PSTD"
    /** Bounds on what a request may hold, so a bad one cannot make the daemon allocate without end. */
    private static final int MAX_ITEMS = 10_000;
    private static final int MAX_STRING = 1 << 20;

    DaemonRequest {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(version);
        string(out, kind);
        string(out, stamp);
        string(out, cwd);
        string(out, charset);
        out.writeInt(args.size());
        for (String a : args) {
            string(out, a);
        }
        out.writeInt(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
        out.flush();
    }

    /**
     * Reads a request; the version is read first, and a request of another version is returned with its version and
     * nothing else, so the daemon can answer it {@link Frames#STALE} whatever its layout.
     */
    static DaemonRequest read(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a postern daemon request");
        }
        int version = in.readInt();
        if (version != VERSION) {
            return new DaemonRequest(version, "", "", "", "", List.of(), Map.of());
        }
        String kind = string(in);
        String stamp = string(in);
        String cwd = string(in);
        String charset = string(in);
        int n = count(in);
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            args.add(string(in));
        }
        int m = count(in);
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) {
            env.put(string(in), string(in));
        }
        return new DaemonRequest(version, kind, stamp, cwd, charset, args, env);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new IOException("a request with " + n + " items (at most " + MAX_ITEMS + ")");
        }
        return n;
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING) {
            throw new IOException("a request string of " + n + " bytes (at most " + MAX_STRING + ")");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
