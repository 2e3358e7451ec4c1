package dev.postern.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Conversions between Java values and columns, the same for H2 and PostgreSQL. Instants are kept as
 * TIMESTAMP WITH TIME ZONE in UTC, truncated to the microsecond (PostgreSQL's precision) so that what
 * is read back equals what was written on both databases.
 */
final class Columns {
    private Columns() {
    }

    static Instant stored(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, OffsetDateTime.ofInstant(stored(instant), ZoneOffset.UTC));
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static void setNullableString(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }

    static String email(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    static String joinPrincipals(List<String> principals) {
        for (String p : principals) {
            if (p.isEmpty() || p.indexOf(',') >= 0) {
                throw new IllegalArgumentException("principal '" + p + "' must be non-empty and contain no comma");
            }
        }
        return String.join(",", principals);
    }

    static List<String> splitPrincipals(String joined) {
        return joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }
}
