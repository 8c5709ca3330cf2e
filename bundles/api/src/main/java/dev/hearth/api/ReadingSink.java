package dev.hearth.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A store that readings are delivered to, registered as a whiteboard service.
 *
 * <p>The core gives every sink its own durable cursor in the journal, named by {@link #ID}, and
 * calls {@link #deliver} from one thread per sink with batches in journal order (so in order per
 * device). A sink is a plain writer: the core owns batching, retries with backoff and
 * dead-lettering.
 */
@ConsumerType
public interface ReadingSink {

    /**
     * Service property: the name of this sink's durable cursor. A sink registered again under the
     * same id (after an update, a reinstall or a restart) resumes where it left off. Defaults to
     * the {@code service.pid} (one per factory configuration), then the {@code component.name}.
     */
    String ID = "hearth.sink.id";

    /**
     * Service property: an LDAP filter over {@code device}, {@code measurement} and the tags;
     * readings that do not match are skipped for this sink. Absent means every reading.
     */
    String FILTER = "hearth.sink.filter";

    /** Service property: the largest batch to deliver at once (default 500). */
    String BATCH_SIZE = "hearth.sink.batch.size";

    /**
     * Service property: how long, in milliseconds, a batch smaller than {@link #BATCH_SIZE} may
     * wait for more readings before it is delivered (default 0: at once). A store that likes big
     * requests then gets fewer, fuller ones when readings trickle in; a backlog is never held back,
     * nor is a retry.
     *
     * @since 1.3
     */
    String BATCH_LINGER_MS = "hearth.sink.batch.linger_ms";

    /**
     * Writes a batch and says what became of each reading, in the same order as {@code batch}.
     * Throwing means every reading of the batch is retried later, with the exception's message as
     * the error.
     *
     * @param batch one or more readings, oldest first
     * @return one outcome per reading
     */
    List<Outcome> deliver(List<Reading> batch) throws Exception;

    /**
     * Optional: the readings that will most likely be the next batch, given while the current one
     * is being delivered, on another thread. A sink may do its own work on them now (encode,
     * compress) and keep the result for the {@link #deliver} whose batch holds the same readings,
     * so that its server and the gateway work at the same time instead of taking turns. The next
     * batch may differ (retries, a smaller batch): a sink must check that it got the same reading
     * objects, in order, and otherwise do the work again. Must be thread-safe against
     * {@link #deliver}, leave no trace outside the sink, and return quickly compared with a
     * delivery; a failure is logged and ignored. The default does nothing.
     *
     * @param upcoming readings in journal order, oldest first; not to be modified
     * @since 1.2
     */
    default void prepare(List<Reading> upcoming) {
    }
}
