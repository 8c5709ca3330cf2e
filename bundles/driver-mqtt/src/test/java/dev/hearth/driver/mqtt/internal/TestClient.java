package dev.hearth.driver.mqtt.internal;

import java.nio.charset.StandardCharsets;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

/** A device-side publisher: what Zigbee2MQTT or an ESP32 would send. */
final class TestClient implements AutoCloseable {

    private final Mqtt5BlockingClient client;

    TestClient(int port) {
        client = MqttClient.builder().useMqttVersion5().identifier("test-pub-" + System.nanoTime())
                .serverHost("127.0.0.1").serverPort(port)
                // the driver asks for one Netty thread; the client shares one event loop per thread count
                .executorConfig().nettyThreads(1).applyExecutorConfig().buildBlocking();
        client.connect();
    }

    void publish(String topic, String payload) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    void retain(String topic, String payload) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true);
    }

    void publish(String topic, byte[] payload, int qos, boolean retain) {
        client.publishWith().topic(topic).payload(payload).qos(MqttQos.fromCode(qos)).retain(retain).send();
    }

    void publishMarked(String topic, String payload, String gateway) {
        client.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE)
                .userProperties().add(LoopGuard.USER_PROPERTY, gateway).applyUserProperties().send();
    }

    @Override
    public void close() {
        client.disconnect();
    }
}
