package dev.hearth.driver.mqtt.internal;

import java.util.Locale;

/** Why a message did not become readings. Each is counted, and shown by its {@link #key()} in the driver's status. */
enum SkipReason {
    /** A zero-length payload (also how a retained message is deleted). */
    EMPTY,
    /** Larger than {@code max_payload_kib}. */
    OVERSIZED,
    /** Not UTF-8 JSON. */
    NOT_JSON,
    /** JSON, but not the shape the mapping needs: an array or scalar where an object belongs, an object as device id or time. */
    WRONG_TYPE,
    /** No device id: the configured field is missing or empty, or the topic has no such level. */
    NO_DEVICE,
    /** {@code json_time_field} is configured and missing. */
    NO_TIME,
    /** A timestamp that is not epoch seconds/milliseconds or ISO-8601. */
    BAD_TIME,
    /** Nothing in the payload became a field. */
    NO_FIELDS,
    /** The reading was refused by {@link dev.hearth.api.Reading}'s limits (names too long, too many fields). */
    INVALID,
    /** This gateway's own output, seen again through the broker (loop safety). */
    OWN_OUTPUT,
    /** More QoS 0 messages waiting for a commit than the driver holds; QoS 0 promises nothing, so these are dropped. */
    BACKLOG_FULL;

    /** The name in counters and logs: {@code not_json}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
