package dev.postern.cli.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tells whether a variable (name and value) looks like a secret, and shows values without giving them away.
 * Used for fly.toml {@code [env]} and {@code [build.args]} and for Dockerfile {@code ENV} and {@code ARG}; the
 * rules are listed in docs/AUDIT.md.
 */
final class Secrets {
    /** Name parts that say "secret" wherever they appear in the name (DBPASSWORD, CLIENT_SECRET, ...). */
    private static final List<String> NAME_PARTS = List.of("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "API_KEY",
            "APIKEY", "PRIVATE_KEY", "PRIVATEKEY", "ACCESS_KEY", "ACCESSKEY", "CREDENTIAL");
    /**
     * TOKEN at the end of a word (NPM_TOKEN, GITHUBTOKEN) but not TOKENIZERS_PARALLELISM nor MAX_TOKENS (a
     * count); PASS as a word.
     */
    private static final Pattern NAME_WORDS = Pattern.compile("TOKEN(_|$)|(^|_)PASS(_|$)");
    /** Values that are settings, not secrets, whatever the name says: booleans and small whole numbers. */
    private static final Pattern SETTING_VALUE = Pattern.compile("(?i)true|false|yes|no|on|off|[0-9]{1,6}");
    /** Names that point at a secret rather than hold one (DB_PASSWORD_FILE, SECRET_PATH, TOKEN_TTL). */
    private static final Pattern NAME_NOT_SECRET = Pattern.compile(
            ".*_(FILE|PATH|DIR|URL|URI|ENDPOINT|TTL|TIMEOUT|EXPIRY|LENGTH|SIZE|ENABLED|HEADER|ID)$");
    /**
     * scheme://user:password@ with a non-empty password. The look-behind and possessive quantifiers keep it
     * linear: the file is untrusted, and a backtracking pattern over a long value would hang the audit.
     */
    private static final Pattern URL_PASSWORD = Pattern.compile(
            "(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*+://[^/@\\s:]*+:[^/@\\s]++@");
    private static final Pattern AWS_KEY_ID = Pattern.compile("(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])");
    private static final Pattern PEM_PRIVATE = Pattern.compile("-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----");
    /** The alphabet of tokens (base64, base64url, hex, dotted JWT-like); no spaces, no slashes first. */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9+/=_\\-.~]{20,}");
    private static final int SHOWN_PREFIX = 2;
    private static final int MAX_SHOWN_NAME = 60;

    private Secrets() {
    }

    /** Whether the name alone says the variable holds a secret (DB_PASSWORD, NPM_TOKEN, but not TOKEN_FILE). */
    static boolean secretName(String name) {
        String n = name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        if (NAME_NOT_SECRET.matcher(n).matches()) {
            return false;
        }
        for (String part : NAME_PARTS) {
            if (n.contains(part)) {
                return true;
            }
        }
        return NAME_WORDS.matcher(n).find();
    }

    /**
     * Why {@code value} itself is a secret whatever its name (a URL with a password, an AWS key id, a PEM
     * private key, a long random-looking token), or empty.
     */
    static Optional<String> secretValue(String value) {
        if (URL_PASSWORD.matcher(value).find()) {
            return Optional.of("a URL with a password");
        }
        if (AWS_KEY_ID.matcher(value).find()) {
            return Optional.of("an AWS access key id");
        }
        if (PEM_PRIVATE.matcher(value).find()) {
            return Optional.of("a PEM private key");
        }
        if (randomLooking(value)) {
            return Optional.of("a random-looking token");
        }
        return Optional.empty();
    }

    /**
     * Why a variable is a secret in plain text, or empty: its value ({@link #secretValue}) or, when the value is
     * not empty nor a boolean or a number of up to 6 digits ({@code TOKEN_AUTH_ENABLED = true}), its name
     * ({@link #secretName}).
     */
    static Optional<String> why(String name, String value) {
        Optional<String> byValue = secretValue(value);
        if (byValue.isPresent()) {
            return byValue.map(what -> "holds " + what);
        }
        if (!value.isBlank() && !SETTING_VALUE.matcher(value.strip()).matches() && secretName(name)) {
            return Optional.of("is named like a secret");
        }
        return Optional.empty();
    }

    /**
     * A long token of letters and digits whose characters are about as varied as random ones: Shannon entropy
     * of at least 85% of the most its length allows, capped at 4 bits a character. Hex-only values rarely pass
     * (hex has at most 4 bits a character): those are caught by name.
     */
    static boolean randomLooking(String value) {
        if (!TOKEN_CHARS.matcher(value).matches() || value.startsWith("/") || value.startsWith(".")) {
            return false;
        }
        boolean letters = value.chars().anyMatch(Character::isLetter);
        boolean digits = value.chars().anyMatch(Character::isDigit);
        if (!letters || !digits) {
            return false;
        }
        double threshold = Math.min(4.0, 0.85 * Math.log(value.length()) / Math.log(2));
        return entropy(value) >= threshold;
    }

    static double entropy(String value) {
        Map<Integer, Integer> counts = new HashMap<>();
        value.codePoints().forEach(c -> counts.merge(c, 1, Integer::sum));
        double n = value.codePointCount(0, value.length());
        double bits = 0;
        for (int count : counts.values()) {
            double p = count / n;
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }

    /**
     * A value shown without giving it away: its first two characters and its length ({@code "hu…" (18 chars)}),
     * only the length when it is 8 characters or shorter.
     */
    static String mask(String value) {
        int length = value.codePointCount(0, value.length());
        if (length <= 8) {
            return "(" + length + " chars)";
        }
        int end = value.offsetByCodePoints(0, SHOWN_PREFIX);
        return "\"" + value.substring(0, end) + "…\" (" + length + " chars)";
    }

    /** A name from a file, cut to a readable length (the file is untrusted: it may be anything). */
    static String shortName(String name) {
        if (name.codePointCount(0, name.length()) <= MAX_SHOWN_NAME) {
            return name;
        }
        return name.substring(0, name.offsetByCodePoints(0, MAX_SHOWN_NAME)) + "…";
    }
}
