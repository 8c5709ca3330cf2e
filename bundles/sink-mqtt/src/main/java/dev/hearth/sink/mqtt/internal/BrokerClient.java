package dev.hearth.sink.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttTopic;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.Mqtt3RxClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.Mqtt5RxClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import io.reactivex.processors.UnicastProcessor;
import io.reactivex.schedulers.Schedulers;

import dev.hearth.mqtt.BrokerSettings;
import dev.hearth.mqtt.ChannelTuning;
import dev.hearth.mqtt.MqttClients;

/**
 * One connection to the broker through the HiveMQ client, MQTT 5 or 3.1.1, built by
 * {@link MqttClients} (bundle mqtt-support) from the shared connection settings: connects in the
 * background and reconnects by itself with exponential backoff (1 s up to
 * {@code reconnect_max_s}), keeps the last reason it is not connected in words a user can act on,
 * and publishes. The last will is {@code offline}, retained, on the availability topic.
 *
 * <p>Threads: the client's one Netty event loop (shared by every client in the JVM with the same
 * setting) and RxJava's computation scheduler for callbacks; nothing here blocks those.
 */
final class BrokerClient {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);
    static final byte[] ONLINE = "online".getBytes(StandardCharsets.US_ASCII);
    static final byte[] OFFLINE = "offline".getBytes(StandardCharsets.US_ASCII);

    private final MqttSettings settings;
    private final Mqtt5AsyncClient v5;
    private final Mqtt3AsyncClient v3;
    /** The same clients' reactive views: one publish flow per batch instead of a future per message. */
    private final Mqtt5RxClient rx5;
    private final Mqtt3RxClient rx3;
    /** The loop-safety user property, built once: every reading's publish carries it. */
    private final Mqtt5UserProperties userProperties;
    private final Runnable onConnected;
    private final Object stateLock = new Object();
    /** Why we are not connected, for RETRY reasons; {@code null} while connected. */
    private volatile String problem;
    private volatile boolean closed;

    /**
     * @param onConnected run after every (re)connect, on a client thread; must not block
     * @param onMessage gets topic and payload of messages on subscribed topics; must not block
     */
    BrokerClient(MqttSettings settings, Runnable onConnected, BiConsumer<String, String> onMessage) {
        this.settings = settings;
        this.onConnected = onConnected;
        this.problem = "broker " + settings.broker() + " unreachable: not connected yet";
        this.userProperties = Mqtt5UserProperties.of(Mqtt5UserProperty.of("hearth-gateway", settings.gateway()));
        BrokerSettings connection = settings.connection();
        if (connection.version() == 5) {
            Mqtt5ClientBuilder b = MqttClients.mqtt5(connection)
                    // results, and publishes a window lets go, on the client's event loop: no hop through RxJava's pool
                    .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
                    .addConnectedListener(ChannelTuning.quickAcks()) // a batch's last PUBACK without the 40 ms delayed ACK
                    .addConnectedListener(context -> onConnect())
                    .addDisconnectedListener(this::disconnected)
                    .willPublish().topic(settings.availabilityTopic()).payload(OFFLINE).qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true).applyWillPublish();
            v5 = b.buildAsync();
            v3 = null;
            rx5 = v5.toRx();
            rx3 = null;
            v5.publishes(MqttGlobalPublishFilter.SUBSCRIBED,
                    p -> onMessage.accept(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        } else {
            Mqtt3ClientBuilder b = MqttClients.mqtt3(connection)
                    // results, and publishes a window lets go, on the client's event loop: no hop through RxJava's pool
                    .executorConfig().applicationScheduler(Schedulers.trampoline()).applyExecutorConfig()
                    .addConnectedListener(ChannelTuning.quickAcks()) // a batch's last PUBACK without the 40 ms delayed ACK
                    .addConnectedListener(context -> onConnect())
                    .addDisconnectedListener(this::disconnected)
                    .willPublish().topic(settings.availabilityTopic()).payload(OFFLINE).qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true).applyWillPublish();
            v3 = b.buildAsync();
            v5 = null;
            rx3 = v3.toRx();
            rx5 = null;
            v3.publishes(MqttGlobalPublishFilter.SUBSCRIBED,
                    p -> onMessage.accept(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        }
    }

    /** Starts connecting; returns at once. Failures are retried by the client and kept in {@link #problem()}. */
    void start() {
        int keepAlive = settings.connection().keepAliveSeconds();
        CompletableFuture<?> connect = v5 != null ? v5.connectWith().cleanStart(true).keepAlive(keepAlive).send()
                : v3.connectWith().cleanSession(true).keepAlive(keepAlive).send();
        connect.whenComplete((ack, error) -> {
            if (error != null) LOG.debug("sink {}: first connect failed, reconnecting in the background", settings.sinkId());
        });
    }

    boolean connected() {
        return state().isConnected();
    }

    MqttClientState state() {
        return v5 != null ? v5.getState() : v3.getState();
    }

    /** Why the client is not connected, or {@code null} while it is. Never contains the password. */
    String problem() {
        return connected() ? null : problem;
    }

    /** Waits up to {@code wait} for a connection; whether there is one. */
    boolean awaitConnected(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (stateLock) {
            while (!connected() && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(stateLock, left);
            }
        }
        return connected();
    }

    /** Publishes; completes when the broker acknowledged (QoS 1: PUBACK, QoS 2: PUBCOMP; QoS 0: once sent). */
    CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        MqttQos q = MqttQos.fromCode(qos);
        if (v5 != null) {
            // The user property tells a Hearth MQTT input on the same broker that this is our own output (loop safety).
            return v5.publishWith().topic(topic).qos(q).retain(retain).payload(payload).userProperties(userProperties)
                    .send().thenApply(result -> {
                Optional<Throwable> error = result.getError();
                if (error.isPresent()) throw new CompletionException(error.get());
                return null;
            });
        }
        return v3.publishWith().topic(topic).qos(q).retain(retain).payload(payload).send().thenApply(p -> null);
    }

    /**
     * Opens one publish flow for a batch of at most {@code capacity} messages: the client pipelines
     * them within the broker's receive maximum while later ones are still being added (a future per
     * message cost more than the payloads). The caller adds messages from one thread, then waits.
     *
     * @param window at QoS 1 and 2, the most messages in the flow without PUBACK/PUBCOMP (0: no limit
     *     of ours); later ones wait in the batch and go in as acknowledgements come
     */
    Flow openFlow(int capacity, int qos, boolean retain, int window) {
        return new Flow(capacity, MqttQos.fromCode(qos), retain, qos == 0 ? 0 : window);
    }

    /** One batch's publishes, added in order, and their results. */
    final class Flow {
        private final BatchPublish results;
        private final MqttQos qos;
        private final boolean retain;
        private final UnicastProcessor<Mqtt5Publish> source5;
        private final UnicastProcessor<Mqtt3Publish> source3;

        private Flow(int capacity, MqttQos qos, boolean retain, int window) {
            this.qos = qos;
            this.retain = retain;
            // a window hands publishes over as acknowledgements come: fewer wait in the processor
            int buffer = Math.max(1, window > 0 ? Math.min(window, capacity) : capacity);
            if (rx5 != null) {
                UnicastProcessor<Mqtt5Publish> source = UnicastProcessor.create(buffer);
                source5 = source;
                source3 = null;
                results = new BatchPublish(capacity, window, p -> source.onNext((Mqtt5Publish) p), source::onComplete);
                rx5.publish(source).subscribe(results.subscriber(r -> r.getPublish(), r -> r.getError()));
            } else {
                UnicastProcessor<Mqtt3Publish> source = UnicastProcessor.create(buffer);
                source3 = source;
                source5 = null;
                results = new BatchPublish(capacity, window, p -> source.onNext((Mqtt3Publish) p), source::onComplete);
                rx3.publish(source).subscribe(results.subscriber(r -> r.getPublish(), r -> r.getError()));
            }
        }

        /**
         * Sends one more message, at once or, with a full window, when an acknowledgement makes room;
         * its topic was parsed once by the client ({@link MqttTopic#of}). Never waits.
         */
        void add(MqttTopic topic, byte[] payload) {
            if (source5 != null) {
                Mqtt5Publish p = Mqtt5Publish.builder().topic(topic).qos(qos).retain(retain).payload(payload)
                        .userProperties(userProperties).build();
                results.add(p);
            } else {
                Mqtt3Publish p = Mqtt3Publish.builder().topic(topic).qos(qos).retain(retain).payload(payload).build();
                results.add(p);
            }
        }

        /**
         * Waits until each message was acknowledged (QoS 0: written) or failed, or until no
         * acknowledgement came for {@code quietNanos}; returns, in the order added, {@code null} for
         * acknowledged, else why not ({@link BatchPublish#TIMED_OUT} if no answer came in time).
         */
        Throwable[] finish(long quietNanos) throws InterruptedException {
            results.close();
            return results.await(quietNanos);
        }
    }

    /** Subscribes at QoS 1; messages go to the {@code onMessage} given at construction. */
    CompletableFuture<?> subscribe(String topicFilter) {
        return v5 != null ? v5.subscribeWith().topicFilter(topicFilter).qos(MqttQos.AT_LEAST_ONCE).send()
                : v3.subscribeWith().topicFilter(topicFilter).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    /**
     * Says {@code offline} on the availability topic (a clean disconnect does not send the will) and
     * disconnects, waiting at most about 4 s in all; stops reconnecting.
     */
    void close() {
        closed = true;
        synchronized (stateLock) {
            stateLock.notifyAll();
        }
        try {
            if (connected()) {
                publish(settings.availabilityTopic(), OFFLINE, 1, true).get(2, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            LOG.debug("sink {}: could not publish offline before disconnecting: {}", settings.sinkId(), e.toString());
        }
        try {
            (v5 != null ? v5.disconnect() : v3.disconnect()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // not connected (then the disconnect also ends reconnecting) or the broker is slow: nothing to keep
            LOG.debug("sink {}: disconnect: {}", settings.sinkId(), e.toString());
        }
    }

    private void onConnect() {
        problem = null;
        LOG.info("sink {}: connected to {} (MQTT {})", settings.sinkId(), settings.broker(), settings.connection().versionName());
        synchronized (stateLock) {
            stateLock.notifyAll();
        }
        try {
            onConnected.run();
        } catch (RuntimeException e) {
            LOG.warn("sink {}: after connecting: {}", settings.sinkId(), e.toString());
        }
    }

    private void disconnected(MqttClientDisconnectedContext context) {
        if (closed) {
            context.getReconnector().reconnect(false);
            return;
        }
        if (context.getSource() == MqttDisconnectSource.USER) return;
        String before = problem;
        problem = settings.password().mask(describe(context.getCause()));
        if (!problem.equals(before)) LOG.warn("sink {}: {}; reconnecting with backoff", settings.sinkId(), problem);
    }

    /** The cause of a lost or refused connection, in words; authentication failures say so by name. */
    String describe(Throwable cause) {
        return MqttClients.authenticationFailure(cause)
                .map(code -> "authentication failed for sink " + settings.sinkId() + ": " + code)
                .orElseGet(() -> MqttClients.describe(settings.connection(), cause));
    }
}
