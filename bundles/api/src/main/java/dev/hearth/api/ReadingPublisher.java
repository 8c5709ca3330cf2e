package dev.hearth.api;

import java.util.List;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where drivers put readings. Provided by the core bundle.
 *
 * <p>A reading is <em>accepted</em> when the returned stage completes normally: by then it is
 * committed to the journal and will reach every sink, across sink restarts and gateway crashes.
 * Publishing never blocks on a sink. A stage that completes exceptionally means the readings were
 * not accepted (the journal is closed or failing) and the caller still owns them.
 */
@ProviderType
public interface ReadingPublisher {

    /** Publishes one reading; see the class description for when it counts as accepted. */
    CompletionStage<Void> publish(Reading reading);

    /** Publishes readings that are committed together: all are accepted or none. */
    CompletionStage<Void> publish(List<Reading> readings);

    /**
     * As {@link #publish(List)}, for a caller that holds something back until the stage completes,
     * such as messages not yet acknowledged to an MQTT broker: the commit does not wait for the
     * core's group commit window, only for the journal to be free. Readings that nobody waits for
     * should use {@link #publish(List)}, whose window saves disk writes.
     *
     * @since 1.1
     */
    default CompletionStage<Void> publishPromptly(List<Reading> readings) {
        return publish(readings);
    }
}
