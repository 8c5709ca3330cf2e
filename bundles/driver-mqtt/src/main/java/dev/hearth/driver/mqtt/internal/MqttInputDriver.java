package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * Subscribes to an MQTT broker and publishes what arrives as readings, one component per
 * configuration of factory PID {@code dev.hearth.driver.mqtt}.
 *
 * <p>The guarantee: a QoS 1/2 message is acknowledged to the broker only after the readings made
 * from it are committed to the journal ({@link AckBatcher}); if the commit fails, the connection is
 * dropped and re-made with the session kept, so the broker sends the message again. A message that
 * can never become readings (malformed, own output, a status message) is acknowledged at once.
 *
 * <p>Reports device {@code mqtt-<instance>} (the connection, with counters in its details), every
 * device readings arrive for, and the availability Zigbee2MQTT publishes.
 */
@Component(configurationPid = MqttInputDriver.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = MqttInputConfig.class, factory = true)
public final class MqttInputDriver {

    static final String PID = "dev.hearth.driver.mqtt";
    /** Framework property naming this gateway (set by the launcher from gateway.properties). */
    static final String GATEWAY_PROPERTY = "hearth.gateway.id";
    /**
     * QoS 0 messages have no receive maximum to hold the broker back, so past this many messages
     * waiting for a commit they are dropped (and counted as backlog_full) rather than fill the heap.
     */
    static final int MAX_QOS0_BACKLOG = 20_000;
    private static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);
    private static final Duration DRAIN_ON_STOP = Duration.ofSeconds(3);
    private static final Logger LOG = LoggerFactory.getLogger(MqttInputDriver.class);

    private final MqttInputSettings settings;
    private final DeviceStatusReporter status;
    private final MessageIntake intake;
    private final AckBatcher batcher;
    private final InputConnection connection;
    private final ScheduledFuture<?> statusTask;
    /** Devices this instance reported, so that they are forgotten when it stops. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private final Object stateLock = new Object();
    private DeviceState connectionState = DeviceState.CONNECTING;
    private String connectionMessage;
    private Instant connectionSince = Instant.now();
    private Instant connectedSince;
    private int consecutiveCommitFailures;
    private long lastCommitted;
    private String lastDetails = "";

    @Activate
    public MqttInputDriver(MqttInputConfig config, Map<String, Object> properties, BundleContext context,
            @Reference ReadingPublisher publisher,
            @Reference DeviceStatusReporter status,
            @Reference(target = "(hearth.scheduler=shared)") ScheduledExecutorService scheduler) {
        this(MqttInputSettings.from(config, context.getProperty(GATEWAY_PROPERTY), instanceHint(properties)), publisher,
                status, scheduler);
    }

    MqttInputDriver(MqttInputSettings settings, ReadingPublisher publisher, DeviceStatusReporter status,
            ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.status = status;
        LoopGuard guard = settings.excludeOwn() ? new LoopGuard(settings.gateway()) : null;
        if (guard != null) {
            for (TopicFilter f : settings.topics()) {
                if (guard.coversOnlyOwn(f)) {
                    LOG.warn("mqtt input {}: topic filter {} only matches this gateway's own output, which exclude_own "
                            + "skips", settings.instance(), f);
                }
            }
        }
        this.intake = new MessageIntake(settings.instance(), settings.mapper(), guard, settings.maxPayloadBytes(), System::nanoTime);
        this.batcher = new AckBatcher(publisher, scheduler, settings.batchSize(), this::commitFailed);
        this.connectionMessage = "connecting to " + settings.broker();
        reportConnection();
        this.connection = new InputConnection(settings, this::message, new InputConnection.Listener() {
            @Override
            public void connected() {
                connectionChanged(DeviceState.ONLINE, "connected to " + settings.broker() + " as " + settings.clientId());
            }

            @Override
            public void disconnected(String problem) {
                connectionChanged(DeviceState.OFFLINE, problem);
            }
        });
        connection.start();
        this.statusTask = scheduler.scheduleWithFixedDelay(this::refreshStatus, STATUS_INTERVAL.toMillis(),
                STATUS_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("mqtt input {}: {} mode, topics {} on {} as {} (QoS {}, {} session{})", settings.instance(), settings.mode(),
                settings.topics(), settings.broker(), settings.clientId(), settings.qos(),
                settings.cleanStart() ? "clean" : "persistent", settings.excludeOwn() ? ", own output excluded" : "");
    }

    @Deactivate
    void deactivate() {
        statusTask.cancel(false);
        try {
            // acknowledge what is committed before leaving; the rest the broker keeps for the next session
            if (!batcher.drainAndClose(DRAIN_ON_STOP)) {
                LOG.info("mqtt input {}: stopping with readings still being committed; the broker will redeliver "
                        + "their messages", settings.instance());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
        for (String device : reported) status.remove(device);
        status.remove(settings.connectionDevice());
        LOG.info("mqtt input {}: stopped", settings.instance());
    }

    /** One message from the broker; on a client thread, so nothing here blocks. */
    private void message(InputConnection.Incoming m) {
        Mapped meaning = intake.accept(m.topic(), m.payload(), m.userProperties(), Instant.now());
        if (meaning instanceof Mapped.Readings r) {
            if (m.qos() == 0 && batcher.pending() >= MAX_QOS0_BACKLOG) {
                intake.skipped(m.topic(), Mapped.skip(SkipReason.BACKLOG_FULL, MAX_QOS0_BACKLOG
                        + " QoS 0 messages wait for the journal"));
                m.acknowledge().run();
                return;
            }
            for (Reading reading : r.readings()) {
                if (reported.add(reading.device())) {
                    status.report(DeviceStatus.of(reading.device(), DeviceState.ONLINE, "readings arrive over MQTT ("
                            + settings.connectionDevice() + ")"));
                }
            }
            batcher.add(r.readings(), m.acknowledge());
            return;
        }
        if (meaning instanceof Mapped.Status s) {
            reported.add(s.device());
            status.report(DeviceStatus.of(s.device(), s.state(), s.message()));
        } else if (meaning instanceof Mapped.Learned l) {
            LOG.info("mqtt input {}: learnt {} device models from {}", settings.instance(), l.devices(), m.topic());
        }
        // status, metadata, ignored and skipped messages never become readings: nothing to wait for
        m.acknowledge().run();
    }

    private void commitFailed(Throwable failure, int messages) {
        Duration delay;
        synchronized (stateLock) {
            consecutiveCommitFailures++;
            long millis = Math.min(settings.reconnectMax().toMillis(), 1000L << Math.min(16, consecutiveCommitFailures - 1));
            delay = Duration.ofMillis(millis);
        }
        String what = settings.qos() == 0 ? "QoS 0 messages are lost" : "reconnecting in " + delay.toMillis()
                + " ms for the broker to redeliver them";
        LOG.warn("mqtt input {}: readings of {} messages were not committed ({}); {}", settings.instance(), messages,
                failure.toString(), what);
        status.error(settings.connectionDevice(), "readings not committed: " + failure);
        if (settings.qos() > 0) connection.reconnectForRedelivery(delay);
    }

    private void connectionChanged(DeviceState state, String message) {
        synchronized (stateLock) {
            if (state == DeviceState.ONLINE) connectedSince = Instant.now();
            else connectedSince = null;
            if (state != connectionState) connectionSince = Instant.now();
            connectionState = state;
            connectionMessage = message;
        }
        reportConnection();
    }

    /** Every few seconds: fresh counters in the connection's status, if they changed. Must not throw. */
    private void refreshStatus() {
        try {
            long committed = batcher.committed();
            synchronized (stateLock) {
                if (committed > lastCommitted) consecutiveCommitFailures = 0;
                lastCommitted = committed;
            }
            reportConnection();
        } catch (RuntimeException e) {
            LOG.error("mqtt input {}: status refresh failed", settings.instance(), e);
        }
    }

    private void reportConnection() {
        DeviceStatus s;
        synchronized (stateLock) {
            Map<String, String> details = details();
            String key = connectionState + connectionMessage + details;
            if (key.equals(lastDetails)) return;
            lastDetails = key;
            s = new DeviceStatus(settings.connectionDevice(), connectionState, connectionMessage, connectionSince, details);
        }
        status.report(s);
    }

    /** The connection's details for the console; caller holds stateLock. */
    private Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("broker", settings.broker());
        d.put("client_id", settings.clientId());
        d.put("mode", settings.mode());
        d.put("topics", settings.topics().toString());
        d.put("qos", Integer.toString(settings.qos()));
        if (connectedSince != null) d.put("connected_since", connectedSince.toString());
        if (intake != null) d.putAll(intake.counters());
        if (batcher != null) {
            d.put("acknowledged_after_commit", Long.toString(batcher.committed()));
            d.put("awaiting_commit", Integer.toString(batcher.pending()));
        }
        return d;
    }

    MessageIntake intake() {
        return intake;
    }

    AckBatcher batcher() {
        return batcher;
    }

    InputConnection connection() {
        return connection;
    }

    MqttInputSettings settings() {
        return settings;
    }

    /**
     * The instance name from where the configuration came from: FileInstall's file
     * {@code dev.hearth.driver.mqtt-zigbee.cfg} gives {@code zigbee} (the part after the last
     * {@code -}), a named factory PID {@code dev.hearth.driver.mqtt~zigbee} too.
     */
    static String instanceHint(Map<String, Object> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            String name = file.toString();
            name = name.substring(name.lastIndexOf('/') + 1).replaceAll("\\.(cfg|config)$", "");
            int dash = name.lastIndexOf('-');
            if (dash >= 0 && dash < name.length() - 1) return name.substring(dash + 1);
        }
        Object pid = properties.get("service.pid");
        if (pid != null && pid.toString().contains("~")) return pid.toString().substring(pid.toString().lastIndexOf('~') + 1);
        if (pid != null) {
            String p = pid.toString();
            return p.substring(Math.max(p.lastIndexOf('.') + 1, p.length() - 8)).replaceAll("[^A-Za-z0-9._-]", "");
        }
        return "";
    }

}
