package dev.hearth.core.internal;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.DevicePublisher;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/**
 * The core as OSGi sees it: the reading bus offered as {@link ReadingPublisher}, device status and
 * gateway status services, and every whiteboard {@link ReadingSink} wired to its own cursor.
 * {@link ReadingPublisher} is registered by {@link #activate} as a bundle-scoped service factory
 * ({@link PublisherFactory}), so the core knows which bundle publishes each device
 * ({@link #publishers()}); everything else is this one instance.
 */
@Component(name = "dev.hearth.core", immediate = true,
        service = { DeviceStatusReporter.class, GatewayStatus.class })
@Designate(ocd = CoreConfig.class)
public final class CoreComponent implements ReadingPublisher, DeviceStatusReporter, GatewayStatus {

    private static final Logger LOG = LoggerFactory.getLogger(CoreComponent.class);

    /** A sink service as bound, before or after the bus exists (DS binds dynamic references before activate). */
    private record BoundSink(String id, ReadingSink sink, String filter, Integer batchSize, long lingerMillis) {
    }

    private final DeviceRegistry devices = new DeviceRegistry();
    private final Map<ReadingSink, BoundSink> sinks = new HashMap<>();
    private ReadingBus bus;
    private int defaultBatchSize = 500;
    private ServiceRegistration<ReadingPublisher> publisherRegistration;

    @Activate
    void activate(BundleContext context, CoreConfig config) throws SQLException {
        String data = context.getProperty("hearth.data");
        Path dataDir = Path.of(data == null || data.isBlank() ? "data" : data);
        Path journal = config.journal__path().isBlank() ? dataDir.resolve("journal.db") : Path.of(config.journal__path());
        // sqlite-jdbc unpacks its native library to java.io.tmpdir unless told otherwise; a Pi's /tmp may be noexec.
        if (System.getProperty("org.sqlite.tmpdir") == null) {
            System.setProperty("org.sqlite.tmpdir", journal.toAbsolutePath().getParent().toString());
        }
        SqliteNativeLibrary.use(journal.toAbsolutePath().getParent().resolve("native"));
        BusSettings settings = new BusSettings(journal, (long) config.max__mb() << 20, config.fsync(),
                Duration.ofMillis(config.commit__interval__ms()), config.commit__max__readings(), config.max__pending__readings(),
                Duration.ofMillis(config.retry__initial__ms()), Duration.ofMillis(Math.max(config.retry__initial__ms(), config.retry__max__ms())),
                config.dead__letters__per__sink(), Duration.ofHours(config.forget__sink__after__hours()), config.recent__readings(),
                (long) config.min__free__mb() << 20);
        defaultBatchSize = config.batch__size();
        ReadingBus started = new ReadingBus(settings, devices);
        synchronized (this) {
            bus = started;
            for (BoundSink s : sinks.values()) start(s);
        }
        publisherRegistration = context.registerService(ReadingPublisher.class, new PublisherFactory(this, devices),
                FrameworkUtil.asDictionary(Map.of("component.name", "dev.hearth.core")));
    }

    @Deactivate
    void deactivate() throws SQLException {
        if (publisherRegistration != null) {
            try {
                publisherRegistration.unregister();
            } catch (IllegalStateException e) {
                // unregistered with the bundle already
            }
            publisherRegistration = null;
        }
        ReadingBus closing;
        synchronized (this) {
            closing = bus;
            bus = null;
        }
        if (closing != null) closing.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSink(ReadingSink sink, Map<String, Object> props) {
        Integer linger = intProp(ReadingSink.BATCH_LINGER_MS, props.get(ReadingSink.BATCH_LINGER_MS), 0);
        BoundSink bound = new BoundSink(sinkId(props), sink, stringProp(props.get(ReadingSink.FILTER)),
                intProp(ReadingSink.BATCH_SIZE, props.get(ReadingSink.BATCH_SIZE), 1), linger == null ? 0 : linger);
        synchronized (this) {
            sinks.put(sink, bound);
            if (bus != null) start(bound);
        }
    }

    void updatedSink(ReadingSink sink, Map<String, Object> props) {
        removeSink(sink);
        addSink(sink, props);
    }

    void removeSink(ReadingSink sink) {
        BoundSink bound;
        ReadingBus current;
        synchronized (this) {
            bound = sinks.remove(sink);
            current = bus;
        }
        if (bound != null && current != null && current.hasSink(bound.id())) {
            current.removeSink(bound.id());
            LOG.info("sink {} unregistered; its backlog is kept for its return", bound.id());
        }
    }

    private void start(BoundSink s) {
        Predicate<Reading> filter;
        try {
            filter = readingFilter(s.filter());
        } catch (InvalidSyntaxException e) {
            LOG.error("sink {} has an invalid {} '{}': {}; it gets nothing until that is fixed", s.id(), ReadingSink.FILTER,
                    s.filter(), e.getMessage());
            return;
        }
        try {
            bus.addSink(s.id(), s.sink(), s.filter(), filter, s.batchSize() != null ? s.batchSize() : defaultBatchSize, s.lingerMillis());
        } catch (IllegalStateException | SQLException e) {
            LOG.error("sink {} not started: {}", s.id(), e.getMessage());
        }
    }

    /** An LDAP filter over {@code device}, {@code measurement} and the tags; empty means every reading. */
    static Predicate<Reading> readingFilter(String ldap) throws InvalidSyntaxException {
        if (ldap == null || ldap.isBlank()) return r -> true;
        Filter f = FrameworkUtil.createFilter(ldap);
        return r -> {
            Map<String, Object> attrs = new HashMap<>(r.tags());
            attrs.put("device", r.device());
            attrs.put("measurement", r.measurement());
            return f.matches(attrs);
        };
    }

    static String sinkId(Map<String, Object> props) {
        // service.pid before component.name: every instance of a factory component shares its
        // component.name, while each factory configuration has its own pid.
        for (String key : List.of(ReadingSink.ID, Constants.SERVICE_PID, "component.name")) {
            String v = stringProp(props.get(key));
            if (v != null && !v.isBlank()) return v;
        }
        // Not durable across restarts: say so, since the backlog will not follow this sink.
        String fallback = "service-" + props.get(Constants.SERVICE_ID);
        LOG.warn("a ReadingSink without {} registered; using '{}', whose backlog does not survive a restart", ReadingSink.ID, fallback);
        return fallback;
    }

    private static String stringProp(Object v) {
        if (v instanceof String[] a) return a.length == 0 ? null : a[0];
        return v == null ? null : v.toString();
    }

    /** A numeric service property, at least {@code min}; {@code null} when absent or not a number (logged). */
    static Integer intProp(String name, Object v, int min) {
        if (v instanceof Number n) return Math.max(min, n.intValue());
        if (v instanceof String s) {
            try {
                return Math.max(min, Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                LOG.warn("ignoring a non-numeric {} '{}'", name, s);
            }
        }
        return null;
    }

    private synchronized ReadingBus bus() {
        if (bus == null) throw new IllegalStateException("the core is not active");
        return bus;
    }

    // ReadingPublisher

    @Override
    public CompletionStage<Void> publish(Reading reading) {
        return publish(List.of(reading));
    }

    @Override
    public CompletionStage<Void> publish(List<Reading> readings) {
        return publish(readings, false);
    }

    @Override
    public CompletionStage<Void> publishPromptly(List<Reading> readings) {
        return publish(readings, true);
    }

    private CompletionStage<Void> publish(List<Reading> readings, boolean prompt) {
        ReadingBus b;
        synchronized (this) {
            b = bus;
        }
        if (b == null) return java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("the core is not active"));
        return b.publish(readings, prompt);
    }

    // DeviceStatusReporter

    @Override
    public void report(DeviceStatus status) {
        devices.report(status);
    }

    @Override
    public void error(String device, String message) {
        devices.error(device, message);
    }

    @Override
    public void remove(String device) {
        devices.remove(device);
    }

    // GatewayStatus

    @Override
    public Instant startedAt() {
        return bus().startedAt();
    }

    @Override
    public JournalStatus journal() {
        return bus().journalStatus();
    }

    @Override
    public List<SinkStatus> sinks() {
        return bus().sinkStatus();
    }

    @Override
    public List<DeviceInfo> devices() {
        return devices.snapshot();
    }

    @Override
    public List<Reading> recent(int max) {
        return bus().recent(max);
    }

    @Override
    public List<DeadLetter> deadLetters(String sinkId, int max) {
        return bus().deadLetters(sinkId, max);
    }

    @Override
    public List<DevicePublisher> publishers() {
        return devices.publishers();
    }
}
