package dev.hearth.api.status;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.hearth.api.Reading;

/** What the core knows about the gateway right now. Provided by the core bundle. */
@ProviderType
public interface GatewayStatus {

    /** When the core started. */
    Instant startedAt();

    JournalStatus journal();

    /** Every sink with a cursor, registered or not, ordered by id. */
    List<SinkStatus> sinks();

    /** Every device that published a reading or reported a status, ordered by id. */
    List<DeviceInfo> devices();

    /** Up to {@code max} of the most recently accepted readings, oldest first. */
    List<Reading> recent(int max);

    /** Up to {@code max} of a sink's most recent dead letters, newest first. */
    List<DeadLetter> deadLetters(String sinkId, int max);

    /**
     * For every device whose readings came through the core's {@code ReadingPublisher}, the bundle
     * that last published one, ordered by device id. Empty where the provider does not know (the
     * default, for providers written against 1.0).
     *
     * @since 1.1
     */
    default List<DevicePublisher> publishers() {
        return List.of();
    }
}
