package dev.hearth.sink.elasticsearch.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import dev.hearth.api.Outcome;

/**
 * What one _bulk item's status means for its reading. No OSGi and no client in here.
 *
 * <ul>
 * <li>2xx: delivered. 409 {@code version_conflict_engine_exception} (a {@code create} of an id that
 * is already there): delivered, it is a replay of a reading the server already holds.</li>
 * <li>429 and 5xx: retried (the server is busy or a shard is not ready), honouring Retry-After.</li>
 * <li>A missing ingest pipeline: retried, it is the configuration's fault, not the reading's, and
 * the backlog must survive until it is fixed.</li>
 * <li>Any other 4xx (a mapping conflict, an unparsable value): rejected with the server's type and
 * reason, so it goes to the dead letters and the cursor moves on.</li>
 * </ul>
 */
public final class ItemOutcomes {

    private ItemOutcomes() {
    }

    /**
     * @param status the item's HTTP status
     * @param type the error's type, or {@code null}
     * @param reason the error's reason (and its cause's, if any), or {@code null}
     * @param retryAfter what the whole response's Retry-After asked for, or {@code null}
     */
    public static Outcome of(int status, String type, String reason, Duration retryAfter) {
        if (status >= 200 && status < 300) return Outcome.DELIVERED;
        if (status == 409 && (type == null || type.equals("version_conflict_engine_exception"))) return Outcome.DELIVERED;
        String text = describe(status, type, reason);
        if (status == 429 || status >= 500) return Outcome.retry(text, retryAfter);
        if (reason != null && reason.matches("(?s).*pipeline with id \\[.*\\] does not exist.*")) {
            return Outcome.retry(text + " (create the pipeline or fix 'pipeline' in the configuration)");
        }
        return Outcome.rejected(text);
    }

    static String describe(int status, String type, String reason) {
        StringBuilder s = new StringBuilder("HTTP ").append(status);
        if (type != null) s.append(' ').append(type);
        if (reason != null) s.append(": ").append(reason);
        return s.toString();
    }

    /** A Retry-After header: delay-seconds or an HTTP date; {@code null} if absent or unreadable. */
    public static Duration retryAfter(String header, Clock clock) {
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        try {
            long seconds = Long.parseLong(h);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(clock.instant(), ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
