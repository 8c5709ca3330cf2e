package dev.hearth.itests.osgi;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;

/**
 * The test side of remote management (ManagementIT, OtaIT, OtaFeatureIT): an MQTT 5 client that
 * records everything under the gateway's topics ({@code hearth/itest/#}) and the reply topics
 * ({@code itest/#}), and sends requests with a response topic and correlation data.
 */
final class ManagementTestClient {

    /** The topic root of the gateway {@code itest}. */
    static final String ROOT = "hearth/itest/";

    /** A message the test client received. */
    record Msg(String topic, String payload, byte[] correlation, boolean retain) {
        JsonObject json() {
            return JsonParser.parseString(payload).getAsJsonObject();
        }
    }

    private final Mqtt5AsyncClient client;
    private final Duration timeout;
    private final List<Msg> received = new CopyOnWriteArrayList<>();

    private ManagementTestClient(Mqtt5AsyncClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** Connected to the broker on {@code port} and subscribed; {@link #await} waits up to {@code timeout}. */
    static ManagementTestClient connect(String identifier, int port, Duration timeout) throws Exception {
        ManagementTestClient c = new ManagementTestClient(
                Mqtt5Client.builder().identifier(identifier).serverHost("127.0.0.1").serverPort(port).buildAsync(), timeout);
        c.client.publishes(MqttGlobalPublishFilter.ALL, p -> c.received.add(new Msg(p.getTopic().toString(),
                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8),
                p.getCorrelationData().map(b -> {
                    byte[] out = new byte[b.remaining()];
                    b.duplicate().get(out);
                    return out;
                }).orElse(null), p.isRetain())));
        c.client.connect().get(10, TimeUnit.SECONDS);
        c.client.subscribeWith().topicFilter(ROOT + "#").qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
        c.client.subscribeWith().topicFilter("itest/#").qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
        return c;
    }

    /** For tests that publish raw requests (no correlation data, their own reply topics). */
    Mqtt5AsyncClient client() {
        return client;
    }

    /** Every message received so far, oldest first; tests may clear it. */
    List<Msg> received() {
        return received;
    }

    /** The first message received that matches; fails after the timeout. */
    Msg await(String what, Predicate<Msg> match) throws InterruptedException {
        return Poll.until(what, timeout, () -> received.stream().filter(match).findFirst().orElse(null), m -> m != null);
    }

    /** An MQTT 5 request with response topic and correlation data; the matching response. */
    JsonObject request(String op, String json) throws Exception {
        return requestBytes(op, json.getBytes(StandardCharsets.UTF_8));
    }

    JsonObject requestBytes(String op, byte[] payload) throws Exception {
        String corr = UUID.randomUUID().toString();
        String replyTo = "itest/replies/" + corr;
        client.publishWith().topic(ROOT + "req/" + op).qos(MqttQos.AT_LEAST_ONCE).responseTopic(replyTo)
                .correlationData(corr.getBytes(StandardCharsets.UTF_8)).payload(payload).send().get(10, TimeUnit.SECONDS);
        Msg m = await("response to " + op, x -> x.topic().equals(replyTo));
        assertEquals("correlation data echoed", corr, new String(m.correlation(), StandardCharsets.UTF_8));
        return m.json();
    }

    void disconnect() throws Exception {
        client.disconnect().get(10, TimeUnit.SECONDS);
    }

    static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    /** A string member of {@code o}; null when missing or JSON null. */
    static String field(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }
}
