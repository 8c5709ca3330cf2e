package dev.hearth.management.internal;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import dev.hearth.mqtt.BrokerSettings;
import dev.hearth.mqtt.MqttClients;

/**
 * Management's own broker connection (MQTT 5 or 3.1.1), built by {@link MqttClients}: reconnects
 * by itself with backoff (1 s doubling to {@code reconnect_max_s}), subscribes to
 * {@code <root>req/#} after every connect (a clean session forgets subscriptions), and leaves a
 * retained last will on the status topic. Callbacks run on the client's thread and must not block.
 */
final class MqttLink {

    private static final Logger LOG = LoggerFactory.getLogger(MqttLink.class);

    /** A message on a request topic. {@code responseTopic} and {@code correlationData}: MQTT 5 only, else null. */
    record Incoming(String op, byte[] payload, String responseTopic, byte[] correlationData) {
    }

    private final BrokerSettings settings;
    private final String root;
    private final Mqtt5AsyncClient v5;
    private final Mqtt3AsyncClient v3;
    private volatile String problem = "not connected yet";
    private volatile boolean closed;

    /**
     * @param statusTopic where the last will ({@code willPayload}, retained) goes
     * @param maxPacketBytes MQTT 5: the largest packet the broker may send us (bigger ones it drops)
     * @param onConnected after every (re)connect and subscribe, on a client thread
     */
    MqttLink(BrokerSettings settings, String root, String statusTopic, byte[] willPayload, int maxPacketBytes,
            Consumer<Incoming> onRequest, Runnable onConnected) {
        this.settings = settings;
        this.root = root;
        String filter = root + "req/#";
        Runnable connected = () -> {
            problem = null;
            LOG.info("management: connected to {} (MQTT {}), listening on {}", settings.broker(), settings.versionName(), filter);
            subscribe(filter).whenComplete((ack, error) -> {
                if (error != null) LOG.warn("management: subscribing to {} failed: {}", filter, error.toString());
                else onConnected.run();
            });
        };
        if (settings.version() == 5) {
            v5 = MqttClients.mqtt5(settings)
                    .addConnectedListener(ctx -> connected.run())
                    .addDisconnectedListener(this::disconnected)
                    .willPublish().topic(statusTopic).payload(willPayload).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                    .buildAsync();
            v3 = null;
            v5.publishes(MqttGlobalPublishFilter.SUBSCRIBED, p -> {
                String op = op(p.getTopic().toString());
                if (op == null) return;
                onRequest.accept(new Incoming(op, p.getPayloadAsBytes(), p.getResponseTopic().map(Object::toString).orElse(null),
                        p.getCorrelationData().map(MqttLink::bytes).orElse(null)));
            });
            this.maxPacket = maxPacketBytes;
        } else {
            v3 = MqttClients.mqtt3(settings)
                    .addConnectedListener(ctx -> connected.run())
                    .addDisconnectedListener(this::disconnected)
                    .willPublish().topic(statusTopic).payload(willPayload).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
                    .buildAsync();
            v5 = null;
            v3.publishes(MqttGlobalPublishFilter.SUBSCRIBED, p -> {
                String op = op(p.getTopic().toString());
                if (op != null) onRequest.accept(new Incoming(op, p.getPayloadAsBytes(), null, null));
            });
            this.maxPacket = maxPacketBytes;
        }
    }

    private final int maxPacket;

    private String op(String topic) {
        String prefix = root + "req/";
        return topic.startsWith(prefix) ? topic.substring(prefix.length()) : null;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Starts connecting in the background; the client retries by itself. */
    void start() {
        CompletableFuture<?> f = v5 != null
                ? v5.connectWith().cleanStart(true).keepAlive(settings.keepAliveSeconds())
                        .restrictions().maximumPacketSize(maxPacket).applyRestrictions().send()
                : v3.connectWith().cleanSession(true).keepAlive(settings.keepAliveSeconds()).send();
        f.whenComplete((ack, error) -> {
            if (error != null) LOG.debug("management: first connect failed, reconnecting in the background");
        });
    }

    boolean connected() {
        return (v5 != null ? v5.getState() : v3.getState()).isConnected();
    }

    /** Why there is no connection, or null. */
    String problem() {
        return connected() ? null : problem;
    }

    private CompletableFuture<?> subscribe(String filter) {
        return v5 != null ? v5.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
                : v3.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    }

    /** Publishes at QoS 1; {@code correlationData} only with MQTT 5. Completes when the broker acknowledged. */
    CompletableFuture<Void> publish(String topic, byte[] payload, boolean retain, byte[] correlationData) {
        if (v5 != null) {
            var b = v5.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(payload)
                            .contentType("application/json");
            if (correlationData != null) b = b.correlationData(correlationData);
            return b.send().thenApply(result -> {
                Optional<Throwable> error = result.getError();
                if (error.isPresent()) throw new CompletionException(error.get());
                return null;
            });
        }
        return v3.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain).payload(payload).send().thenApply(p -> null);
    }

    /** Publishes {@code offlinePayload} retained on {@code statusTopic} (a clean disconnect sends no will), then disconnects. */
    void close(String statusTopic, byte[] offlinePayload) {
        closed = true;
        try {
            if (connected()) publish(statusTopic, offlinePayload, true, null).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("management: could not publish offline: {}", e.toString());
        }
        try {
            (v5 != null ? v5.disconnect() : v3.disconnect()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("management: disconnect: {}", e.toString());
        }
    }

    private void disconnected(MqttClientDisconnectedContext context) {
        if (closed) {
            context.getReconnector().reconnect(false);
            return;
        }
        if (context.getSource() == MqttDisconnectSource.USER) return;
        String before = problem;
        problem = MqttClients.authenticationFailure(context.getCause()).map(code -> "authentication failed: " + code)
                .orElseGet(() -> MqttClients.describe(settings, context.getCause()));
        if (!problem.equals(before)) LOG.warn("management: {}; reconnecting with backoff", problem);
    }
}
