package dev.hearth.sink.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.testkit.TlsMosquitto;

/** The sink over TLS with a client certificate, against a Mosquitto that demands one. */
class MqttSinkTlsTest {

    @TempDir
    Path dir;

    private static MqttSink sink(TlsMosquitto broker, boolean withCertificate) {
        Map<String, Object> values = new HashMap<>(Map.of("hearth_sink_id", "mqtt-tls", "port", broker.port,
                "reconnect__max__s", 1, "tls", true, "ca__file", broker.caCert.toString()));
        if (withCertificate) {
            values.put("client__cert__file", broker.clientCert.toString());
            values.put("client__key__file", broker.clientKey.toString());
        }
        return new MqttSink(MqttSettings.from(Configs.mqtt(values), "gw1"));
    }

    @Test
    void readingsAreAcknowledgedOverMutualTlsAndRetriedWithTheReasonWithoutACertificate() throws Exception {
        try (TlsMosquitto broker = new TlsMosquitto(dir)) {
            List<Reading> batch = List.of(Reading.of("kitchen", "climate").field("temperature", 21.5).build());
            MqttSink with = sink(broker, true);
            try {
                assertEquals(List.of(Outcome.DELIVERED), with.deliver(batch)); // QoS 1: the broker's PUBACK came back
            } finally {
                with.deactivate();
            }
            MqttSink without = sink(broker, false);
            try {
                List<Outcome> outcomes = without.deliver(batch);
                for (int i = 0; i < 50 && outcomes.get(0).reason().contains("not connected yet"); i++) {
                    Thread.sleep(100);
                    outcomes = without.deliver(batch);
                }
                assertEquals(Outcome.Status.RETRY, outcomes.get(0).status());
                assertTrue(outcomes.get(0).reason().startsWith("TLS with broker 127.0.0.1:" + broker.port + " failed: "),
                        outcomes.get(0).reason());
            } finally {
                without.deactivate();
            }
        }
    }
}
