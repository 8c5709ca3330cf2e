package dev.hearth.sink.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

/** A second, independent MQTT client that records what it receives on a topic filter. */
final class Subscriber implements AutoCloseable {

    record Message(String topic, String payload, boolean retained) {
    }

    private final Mqtt5AsyncClient client;
    private final List<Message> received = new ArrayList<>();

    Subscriber(int port, String filter) throws Exception {
        this(port, filter, null, null);
    }

    Subscriber(int port, String filter, String user, String password) throws Exception {
        var builder = MqttClient.builder().useMqttVersion5().identifier("test-sub-" + System.nanoTime())
                .serverHost("127.0.0.1").serverPort(port);
        client = user == null ? builder.buildAsync()
                : builder.simpleAuth().username(user).password(password.getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildAsync();
        client.connect().get();
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
            synchronized (received) {
                received.add(new Message(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), p.isRetain()));
                received.notifyAll();
            }
        }).send().get();
    }

    void publish(String topic, String payload) throws Exception {
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload.getBytes(StandardCharsets.UTF_8)).send().get();
    }

    List<Message> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until {@code count} messages match; returns them all (matching ones only). */
    List<Message> await(Predicate<Message> match, int count, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (received) {
            while (true) {
                List<Message> hits = received.stream().filter(match).toList();
                long left = deadline - System.nanoTime();
                if (hits.size() >= count || left <= 0) return hits;
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            client.disconnect().get();
        } catch (Exception e) {
            // already gone with its broker
        }
    }
}
