package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;

import io.reactivex.schedulers.Schedulers;

import dev.hearth.mqtt.BrokerSettings;
import dev.hearth.mqtt.ChannelTuning;
import dev.hearth.mqtt.MqttClients;

/**
 * The subscribing connection, MQTT 5 or 3.1.1, through the HiveMQ client (built and configured by
 * {@link MqttClients}, bundle mqtt-support, from the shared connection settings): a persistent session
 * (clean start off, session expiry) so the broker queues for us while we are away; every incoming
 * publish with <em>manual acknowledgement</em>, so nothing is acknowledged to the broker until
 * {@link Incoming#acknowledge} is called. The client itself sends the PUBACKs/PUBRECs in the order
 * MQTT requires, whatever order they are confirmed in, and drops a confirmation for a publish
 * received on an earlier connection (the broker redelivers that one).
 *
 * <p>Reconnects by itself with exponential backoff; {@link #reconnectForRedelivery} drops the
 * connection on purpose, so that the broker sends again what was not acknowledged.
 *
 * <p>Threads: messages and connection events are delivered on the client's Netty event loop (one
 * thread): its application scheduler is RxJava's trampoline, not the default computation pool, so
 * the {@code onMessage} callback must not block. The reason: the client hands messages to its
 * application scheduler through a buffer of 128; whenever that buffer is full, its receive loop
 * walks every unacknowledged message for each new one (MqttIncomingPublishService.drain, HiveMQ
 * client 1.4.2), and with acknowledgement after commit thousands are unacknowledged. Measured with
 * the computation pool (JFR, a burst of 100,000 messages): about half of all the gateway's CPU
 * samples were in that walk; with the trampoline it no longer shows.
 */
final class InputConnection {

    private static final Logger LOG = LoggerFactory.getLogger(InputConnection.class);

    /**
     * Most unacknowledged QoS 1/2 messages the broker may send us at once (MQTT 5 receive maximum),
     * the highest that is still sent (65,535 is the protocol default, which leaves Mosquitto at its
     * own {@code max_inflight_messages}, 20, and caps throughput at 20 messages per commit). High,
     * because Mosquitto 2.0 sends up to this plus its {@code max_queued_messages} before waiting
     * (measured with 2.0.11: receive maximum 3,000 → 3,999 unacknowledged), and the client drops
     * the connection when more than this arrive unacknowledged; and because what the broker cannot
     * send us in flight it queues only up to {@code max_queued_messages} (1,000) and then drops, so
     * this is the burst a publisher faster than our commits can send without loss. Messages wait in
     * memory only as readings until their batch commits.
     */
    static final int RECEIVE_MAXIMUM = 65_534;

    /** One message; {@link #acknowledge} confirms it to the broker (QoS 0: does nothing). */
    record Incoming(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties,
            Runnable acknowledge) {
    }

    /** Hears about the connection; called on client threads, must not block. */
    interface Listener {
        void connected();

        void disconnected(String problem);
    }

    private final MqttInputSettings settings;
    private final Mqtt5AsyncClient v5;
    private final Mqtt3AsyncClient v3;
    private final Listener listener;
    private final AtomicBoolean redeliveryWanted = new AtomicBoolean();
    private volatile long redeliveryDelayMillis;
    private volatile boolean closed;
    private volatile CompletableFuture<?> subscribed = new CompletableFuture<>();

    InputConnection(MqttInputSettings settings, Consumer<Incoming> onMessage, Listener listener) {
        this.settings = settings;
        this.listener = listener;
        BrokerSettings connection = settings.connection();
        if (connection.version() == 5) {
            v5 = MqttClients.mqtt5(connection)
                    .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
                    .addConnectedListener(ChannelTuning.consolidatedFlushes()) // a commit's acknowledgements in few writes
                    .addConnectedListener(context -> onConnected())
                    .addDisconnectedListener(this::disconnected)
                    .buildAsync();
            v3 = null;
            // ALL, not SUBSCRIBED: a resumed session delivers queued messages before this client has re-subscribed
            v5.publishes(MqttGlobalPublishFilter.ALL, p -> onMessage.accept(incoming(p)), true);
        } else {
            v3 = MqttClients.mqtt3(connection)
                    .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
                    .addConnectedListener(ChannelTuning.consolidatedFlushes()) // a commit's acknowledgements in few writes
                    .addConnectedListener(context -> onConnected())
                    .addDisconnectedListener(this::disconnected)
                    .buildAsync();
            v5 = null;
            v3.publishes(MqttGlobalPublishFilter.ALL, p -> onMessage.accept(incoming(p)), true);
        }
    }

    private static Incoming incoming(Mqtt5Publish p) {
        List<? extends Mqtt5UserProperty> props = p.getUserProperties().asList();
        Map<String, String> userProperties = props.isEmpty() ? Map.of() : new HashMap<>();
        for (Mqtt5UserProperty u : props) userProperties.put(u.getName().toString(), u.getValue().toString());
        return new Incoming(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(),
                userProperties, p::acknowledge);
    }

    private static Incoming incoming(Mqtt3Publish p) {
        return new Incoming(p.getTopic().toString(), p.getPayloadAsBytes(), p.getQos().getCode(), p.isRetain(), Map.of(),
                p::acknowledge);
    }

    /** Starts connecting and subscribes; returns at once. Failures are retried by the client. */
    void start() {
        MqttQos qos = MqttQos.fromCode(settings.qos());
        CompletableFuture<?> connect;
        CompletableFuture<?> subscribe;
        if (v5 != null) {
            connect = v5.connectWith().cleanStart(settings.cleanStart()).sessionExpiryInterval(settings.sessionExpirySeconds())
                    .keepAlive(settings.connection().keepAliveSeconds())
                    .restrictions().receiveMaximum(RECEIVE_MAXIMUM).applyRestrictions().send();
            List<Mqtt5Subscription> subs = settings.topics().stream()
                    .map(t -> Mqtt5Subscription.builder().topicFilter(t.filter()).qos(qos).build()).toList();
            subscribe = v5.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subs).build());
        } else {
            connect = v3.connectWith().cleanSession(settings.cleanStart()).keepAlive(settings.connection().keepAliveSeconds()).send();
            List<Mqtt3Subscription> subs = settings.topics().stream()
                    .map(t -> Mqtt3Subscription.builder().topicFilter(t.filter()).qos(qos).build()).toList();
            subscribe = v3.subscribe(Mqtt3Subscribe.builder().addSubscriptions(subs).build());
        }
        connect.whenComplete((ack, error) -> {
            if (error != null) LOG.debug("mqtt input {}: first connect failed, reconnecting in the background", settings.instance());
        });
        subscribed = subscribe;
        subscribe.whenComplete((ack, error) -> {
            if (error != null) {
                LOG.warn("mqtt input {}: subscribing to {} failed: {}", settings.instance(), settings.topics(), error.toString());
            } else {
                LOG.info("mqtt input {}: subscribed to {} at QoS {}", settings.instance(), settings.topics(), settings.qos());
            }
        });
    }

    /** Completes when the broker has acknowledged the subscriptions of {@link #start}. */
    CompletableFuture<?> subscribed() {
        return subscribed;
    }

    boolean connected() {
        return v5 != null ? v5.getState().isConnected() : v3.getState().isConnected();
    }

    /**
     * Drops the connection and reconnects after {@code delay}, keeping the session: the broker then
     * redelivers every QoS 1/2 message not yet acknowledged. Used when readings could not be
     * committed. A request while one is pending is ignored.
     */
    void reconnectForRedelivery(Duration delay) {
        if (closed || !connected() || !redeliveryWanted.compareAndSet(false, true)) return;
        redeliveryDelayMillis = delay.toMillis();
        (v5 != null ? v5.disconnect() : v3.disconnect()).whenComplete((ok, error) -> {
            if (error != null) LOG.debug("mqtt input {}: disconnect for redelivery: {}", settings.instance(), error.toString());
        });
    }

    /** Disconnects (the session stays on the broker) and stops reconnecting; waits at most about 2 s. */
    void close() {
        closed = true;
        try {
            (v5 != null ? v5.disconnect() : v3.disconnect()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // not connected (then the disconnect also ends reconnecting) or the broker is slow: nothing to keep
            LOG.debug("mqtt input {}: disconnect: {}", settings.instance(), e.toString());
        }
    }

    private void onConnected() {
        LOG.info("mqtt input {}: connected to {} as {} (MQTT {})", settings.instance(), settings.broker(), settings.clientId(),
                settings.connection().versionName());
        listener.connected();
    }

    private void disconnected(MqttClientDisconnectedContext context) {
        if (closed) {
            context.getReconnector().reconnect(false);
            return;
        }
        if (context.getSource() == MqttDisconnectSource.USER) {
            if (redeliveryWanted.getAndSet(false)) {
                context.getReconnector().reconnect(true).delay(redeliveryDelayMillis, TimeUnit.MILLISECONDS);
                listener.disconnected("reconnecting in " + redeliveryDelayMillis + " ms for the broker to redeliver "
                        + "messages whose readings were not committed");
            }
            return;
        }
        listener.disconnected(MqttClients.describe(settings.connection(), context.getCause()));
    }
}
