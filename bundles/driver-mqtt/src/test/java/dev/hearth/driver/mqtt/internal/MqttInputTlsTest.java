package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.mqtt.BrokerSettings;
import dev.hearth.mqtt.MqttClients;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.testkit.TlsMosquitto;
import dev.hearth.testkit.RecordingStatusReporter;

/** The driver with a client certificate (client_cert_file, client_key_file) against a Mosquitto that demands one. */
class MqttInputTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Map<String, Object> tls(TlsMosquitto broker, boolean withCertificate) {
        Map<String, Object> values = new HashMap<>(Map.of("port", broker.port, "reconnect__max__s", 1, "instance", "tls",
                "mode", "json", "topics", new String[] { "sensors/+" }, "tls", true, "ca__file", broker.caCert.toString()));
        if (withCertificate) {
            values.put("client__cert__file", broker.clientCert.toString());
            values.put("client__key__file", broker.clientKey.toString());
        }
        return values;
    }

    @Test
    void aClientCertificateLetsTheDriverInWithoutItTheConnectionIsOfflineWithTheReason() throws Exception {
        try (TlsMosquitto broker = new TlsMosquitto(dir)) {
            RecordingPublisher publisher = new RecordingPublisher();
            MqttInputDriver d = new MqttInputDriver(Configs.settings(tls(broker, true)), publisher, new RecordingStatusReporter(), scheduler);
            try {
                d.connection().subscribed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                BrokerSettings device = BrokerSettings.builder().host("127.0.0.1").port(broker.port).clientId("", "esp32")
                        .tls(true, broker.caCert.toString(), "")
                        .clientCertificate(broker.clientCert.toString(), broker.clientKey.toString()).build();
                Mqtt5BlockingClient esp = MqttClients.mqtt5(device).buildBlocking();
                esp.connect();
                try {
                    esp.publishWith().topic("sensors/esp32-1").qos(MqttQos.AT_LEAST_ONCE)
                            .payload("{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8)).send();
                } finally {
                    esp.disconnect();
                }
                List<Reading> got = publisher.await(r -> true, 1, WAIT);
                assertEquals("esp32-1", got.get(0).device());
                assertEquals(Map.of("temperature", 21.5), got.get(0).fields());
            } finally {
                d.deactivate();
            }

            RecordingStatusReporter reporter = new RecordingStatusReporter();
            MqttInputDriver without = new MqttInputDriver(Configs.settings(tls(broker, false)), new RecordingPublisher(), reporter,
                    scheduler);
            try {
                DeviceStatus offline = reporter.await("mqtt-tls", s -> s.state() == DeviceState.OFFLINE, WAIT);
                assertTrue(offline.message().startsWith("TLS with broker 127.0.0.1:" + broker.port + " failed: "), offline.message());
            } finally {
                without.deactivate();
            }
        }
    }

    @Test
    void clientCertificateKeysAreCheckedLikeTheSinks() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.settings(Map.of(
                "client__cert__file", "/c.pem")));
        assertEquals("client_cert_file and client_key_file go together", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Configs.settings(Map.of("client__cert__file", "/c.pem",
                "client__key__file", "/k.pem")));
        assertEquals("a client certificate needs tls=true", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Configs.settings(Map.of("tls", true, "client__cert__file",
                dir.resolve("none.pem").toString(), "client__key__file", "/k.pem")));
        assertTrue(e.getMessage().startsWith("client_cert_file " + dir.resolve("none.pem") + " does not exist"), e.getMessage());
        assertEquals(null, Configs.settings(Map.of()).connection().clientCertificate());
    }
}
