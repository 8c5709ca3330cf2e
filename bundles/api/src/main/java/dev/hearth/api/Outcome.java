package dev.hearth.api;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a sink made of one reading: delivered, to be retried later, or rejected for good (it then
 * goes to the dead letters with the reason and never blocks the sink's cursor).
 *
 * @param status what happened
 * @param reason why it was retried or rejected; {@code null} when delivered
 * @param retryAfter the earliest retry the store asked for (HTTP {@code Retry-After}), or {@code null}
 */
public record Outcome(Status status, String reason, Duration retryAfter) {

    public enum Status { DELIVERED, RETRY, REJECTED }

    public static final Outcome DELIVERED = new Outcome(Status.DELIVERED, null, null);

    public Outcome {
        Objects.requireNonNull(status, "status");
        if (status != Status.DELIVERED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException(status + " needs a reason");
        }
    }

    public static Outcome retry(String reason) {
        return new Outcome(Status.RETRY, reason, null);
    }

    public static Outcome retry(String reason, Duration after) {
        return new Outcome(Status.RETRY, reason, after);
    }

    public static Outcome rejected(String reason) {
        return new Outcome(Status.REJECTED, reason, null);
    }

    /** The same outcome for each of {@code count} readings. */
    public static List<Outcome> all(Outcome outcome, int count) {
        return Collections.nCopies(count, outcome);
    }
}
