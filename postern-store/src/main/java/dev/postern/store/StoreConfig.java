package dev.postern.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the store lives: a JDBC URL for embedded H2 or PostgreSQL, credentials and the pool size.
 * {@link #toString()} and {@link #redactedUrl()} never show the password.
 *
 * <pre>{@code
 * StoreConfig embedded = StoreConfig.h2(Path.of("/var/lib/postern"));
 * StoreConfig shared = StoreConfig.parse("jdbc:postgresql://db:5432/postern?user=postern&password=s3cret");
 * }</pre>
 *
 * @param jdbcUrl     {@code jdbc:h2:...} or {@code jdbc:postgresql:...}
 * @param user        database user, or null to let the driver decide (URL parameter or OS user)
 * @param password    database password, or null for none
 * @param maxPoolSize connections the pool may open, at least 1
 */
public record StoreConfig(String jdbcUrl, String user, String password, int maxPoolSize) {
    /** Pool size used by {@link #h2} and {@link #parse}: enough for a control plane replica. */
    public static final int DEFAULT_POOL_SIZE = 10;

    static final String FIX = "use --db jdbc:postgresql://host:5432/db or omit --db for the embedded H2";
    private static final String H2_PREFIX = "jdbc:h2:";
    private static final String PG_PREFIX = "jdbc:postgresql:";
    /** The user H2 databases made by {@link #h2} are created with; also the default for parsed H2 URLs. */
    private static final String H2_USER = "sa";
    // password=... in a PostgreSQL query string, PASSWORD=... in H2 settings; stops at the next separator.
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)([?&;]password=)[^&;]*");

    public StoreConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith(H2_PREFIX) && !jdbcUrl.startsWith(PG_PREFIX)) {
            throw new IllegalArgumentException("database URL '" + redact(jdbcUrl) + "' is not supported; " + FIX);
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize " + maxPoolSize + " must be at least 1");
        }
    }

    /**
     * The embedded H2 database {@code <dataDir>/postern} (file {@code postern.mv.db}).
     *
     * <p>{@code WRITE_DELAY=0}: H2's MVStore otherwise writes committed transactions to the file up to a
     * second later from a background thread, so a kill -9 right after a commit (say, of a certificate
     * serial) would lose it. With 0 every commit is written before {@code commit()} returns (to the OS,
     * which keeps it across a process crash). {@code DB_CLOSE_ON_EXIT=FALSE}: the server closes the store
     * itself after draining requests; H2's own shutdown hook would close it under their feet.
     */
    public static StoreConfig h2(Path dataDir) {
        String path = dataDir.toAbsolutePath().normalize().resolve("postern").toString();
        if (path.indexOf(';') >= 0) {
            throw new IllegalArgumentException("data directory '" + dataDir + "' contains ';', which H2 URLs cannot"
                    + " hold; choose another --data directory");
        }
        return new StoreConfig(H2_PREFIX + "file:" + path + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                H2_USER, "", DEFAULT_POOL_SIZE);
    }

    /**
     * A config from a {@code --db} URL. {@code user} and {@code password} may be URL parameters
     * ({@code ?user=u&password=p} for PostgreSQL, {@code ;USER=u;PASSWORD=p} for H2); they are taken out of
     * the URL into the config's fields. H2 file URLs get {@code WRITE_DELAY=0} (see {@link #h2}) unless they
     * set {@code WRITE_DELAY} themselves.
     */
    public static StoreConfig parse(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        String url = jdbcUrl.strip();
        if (url.startsWith(H2_PREFIX)) {
            return parseH2(url);
        }
        if (url.startsWith(PG_PREFIX)) {
            return parsePostgres(url);
        }
        // the constructor words the refusal
        return new StoreConfig(url, null, null, DEFAULT_POOL_SIZE);
    }

    private static StoreConfig parseH2(String url) {
        String[] parts = url.split(";");
        StringBuilder rest = new StringBuilder(parts[0]);
        String user = H2_USER;
        String password = "";
        boolean writeDelayGiven = false;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            String key = part.contains("=") ? part.substring(0, part.indexOf('=')).strip().toUpperCase(Locale.ROOT) : "";
            String value = part.substring(part.indexOf('=') + 1);
            if (key.equals("USER")) {
                user = value;
            } else if (key.equals("PASSWORD")) {
                password = value;
            } else if (!part.isEmpty()) {
                writeDelayGiven |= key.equals("WRITE_DELAY");
                rest.append(';').append(part);
            }
        }
        if (!writeDelayGiven && !parts[0].startsWith(H2_PREFIX + "mem:")) {
            rest.append(";WRITE_DELAY=0"); // see h2(): commits must survive a crash unless told otherwise
        }
        return new StoreConfig(rest.toString(), user, password, DEFAULT_POOL_SIZE);
    }

    private static StoreConfig parsePostgres(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return new StoreConfig(url, null, null, DEFAULT_POOL_SIZE);
        }
        String user = null;
        String password = null;
        List<String> kept = new ArrayList<>();
        for (String param : url.substring(q + 1).split("&")) {
            int eq = param.indexOf('=');
            String key = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
            if (key.equalsIgnoreCase("user")) {
                user = value;
            } else if (key.equalsIgnoreCase("password")) {
                password = value;
            } else if (!param.isEmpty()) {
                kept.add(param);
            }
        }
        String base = url.substring(0, q);
        return new StoreConfig(kept.isEmpty() ? base : base + "?" + String.join("&", kept), user, password,
                DEFAULT_POOL_SIZE);
    }

    /** The same config with another pool size. */
    public StoreConfig withMaxPoolSize(int size) {
        return new StoreConfig(jdbcUrl, user, password, size);
    }

    /** The URL with any password parameter masked, fit for logs and error messages. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    /**
     * For an embedded H2 database in files, the path its files start with ({@code /data/postern} for
     * {@code /data/postern.mv.db}); empty for in-memory, remote (tcp/ssl) H2 and PostgreSQL.
     */
    public Optional<Path> h2FileBase() {
        if (!isH2()) {
            return Optional.empty();
        }
        String target = jdbcUrl.substring(H2_PREFIX.length()).split(";", 2)[0];
        if (target.startsWith("file:")) {
            target = target.substring("file:".length());
        } else if (target.matches("^[a-z]{2,}:.*")) {
            return Optional.empty(); // mem:, tcp:, ssl:, zip:, nio...: not plain files we own
        }
        if (target.startsWith("~")) {
            target = System.getProperty("user.home") + target.substring(1);
        }
        return target.isEmpty() ? Optional.empty() : Optional.of(Path.of(target).toAbsolutePath().normalize());
    }

    /** True for the embedded (or in-memory) H2 database. */
    public boolean isH2() {
        return jdbcUrl.startsWith(H2_PREFIX);
    }

    private static String redact(String url) {
        Matcher m = PASSWORD_PARAM.matcher(url);
        return m.replaceAll("$1***");
    }

    @Override
    public String toString() {
        return "StoreConfig[jdbcUrl=" + redactedUrl() + ", user=" + user + ", password="
                + (password == null || password.isEmpty() ? "(none)" : "***") + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
