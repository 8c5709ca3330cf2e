package dev.hearth.sink.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

/**
 * One connection to the broker through the HiveMQ client, MQTT 5 or 3.1.1: connects in the
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
        MqttClientBuilder builder = MqttClient.builder()
                .identifier(settings.clientId())
                .serverHost(settings.host())
                .serverPort(settings.port())
                // one event loop thread is plenty for one gateway's readings, and a Pi has few cores
                .executorConfig().nettyThreads(1).applyExecutorConfig()
                .automaticReconnect().initialDelay(1, TimeUnit.SECONDS)
                .maxDelay(settings.reconnectMax().toMillis(), TimeUnit.MILLISECONDS).applyAutomaticReconnect()
                .addConnectedListener(context -> onConnect())
                .addDisconnectedListener(this::disconnected);
        if (settings.trust() != null) {
            var ssl = builder.sslConfig().trustManagerFactory(TlsMaterial.trustManagerFactory(settings.trust()));
            if (settings.clientCert() != null) {
                ssl = ssl.keyManagerFactory(TlsMaterial.keyManagerFactory(settings.clientCert(), settings.clientKey()));
            }
            // a pinned certificate is the whole trust decision (TlsTrust): its name need not match the host
            if (settings.trust().isPinned()) ssl = ssl.hostnameVerifier((hostname, session) -> true);
            builder = ssl.applySslConfig();
        }
        if (settings.version() == 5) {
            Mqtt5ClientBuilder b = builder.useMqttVersion5()
                    .willPublish().topic(settings.availabilityTopic()).payload(OFFLINE).qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true).applyWillPublish();
            byte[] password = settings.password().isPresent() ? settings.password().reveal().getBytes(StandardCharsets.UTF_8) : null;
            if (!settings.username().isEmpty() && password != null) {
                b = b.simpleAuth().username(settings.username()).password(password).applySimpleAuth();
            } else if (!settings.username().isEmpty()) {
                b = b.simpleAuth().username(settings.username()).applySimpleAuth();
            } else if (password != null) {
                b = b.simpleAuth().password(password).applySimpleAuth(); // MQTT 5 allows a password alone
            }
            v5 = b.buildAsync();
            v3 = null;
            v5.publishes(MqttGlobalPublishFilter.SUBSCRIBED,
                    p -> onMessage.accept(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        } else {
            Mqtt3ClientBuilder b = builder.useMqttVersion3()
                    .willPublish().topic(settings.availabilityTopic()).payload(OFFLINE).qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true).applyWillPublish();
            if (!settings.username().isEmpty()) {
                var auth = b.simpleAuth().username(settings.username());
                if (settings.password().isPresent()) auth = auth.password(settings.password().reveal().getBytes(StandardCharsets.UTF_8));
                b = auth.applySimpleAuth();
            }
            v3 = b.buildAsync();
            v5 = null;
            v3.publishes(MqttGlobalPublishFilter.SUBSCRIBED,
                    p -> onMessage.accept(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
        }
    }

    /** Starts connecting; returns at once. Failures are retried by the client and kept in {@link #problem()}. */
    void start() {
        CompletableFuture<?> connect = v5 != null ? v5.connectWith().cleanStart(true).send()
                : v3.connectWith().cleanSession(true).send();
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
            return v5.publishWith().topic(topic).qos(q).retain(retain).payload(payload)
                    .userProperties().add("hearth-gateway", settings.gateway()).applyUserProperties()
                    .send().thenApply(result -> {
                Optional<Throwable> error = result.getError();
                if (error.isPresent()) throw new CompletionException(error.get());
                return null;
            });
        }
        return v3.publishWith().topic(topic).qos(q).retain(retain).payload(payload).send().thenApply(p -> null);
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
        LOG.info("sink {}: connected to {} (MQTT {})", settings.sinkId(), settings.broker(), settings.version() == 5 ? "5" : "3.1.1");
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
        if (cause instanceof Mqtt5ConnAckException e) {
            Mqtt5ConnAckReasonCode code = e.getMqttMessage().getReasonCode();
            if (code == Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD || code == Mqtt5ConnAckReasonCode.NOT_AUTHORIZED
                    || code == Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD) {
                return authFailed(code.name());
            }
            return "broker " + settings.broker() + " refused the connection: " + code;
        }
        if (cause instanceof Mqtt3ConnAckException e) {
            Mqtt3ConnAckReturnCode code = e.getMqttMessage().getReturnCode();
            if (code == Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD || code == Mqtt3ConnAckReturnCode.NOT_AUTHORIZED) {
                return authFailed(code.name());
            }
            return "broker " + settings.broker() + " refused the connection: " + code;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) return "TLS with broker " + settings.broker() + " failed: " + rootMessage(t);
        }
        return "broker " + settings.broker() + " unreachable: " + rootMessage(cause);
    }

    private String authFailed(String code) {
        return "authentication failed for sink " + settings.sinkId() + ": " + code;
    }

    private static String rootMessage(Throwable t) {
        if (t == null) return "connection lost";
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
