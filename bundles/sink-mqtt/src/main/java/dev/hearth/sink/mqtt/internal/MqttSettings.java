package dev.hearth.sink.mqtt.internal;

import java.time.Duration;
import java.util.regex.Pattern;

import dev.hearth.mqtt.BrokerSettings;
import dev.hearth.support.net.Secret;

/**
 * A checked MQTT sink configuration: what {@link MqttSinkConfig} says, validated once at
 * activation so that a bad value is refused with its key and reason instead of failing later.
 * {@link #toString()} shows the password as {@code ****} ({@link Secret}).
 *
 * @param connection host, port, version, client id, credentials, TLS, reconnect backoff: the keys
 *     every Hearth MQTT component shares, checked by {@link BrokerSettings}
 * @param sendWindow the most QoS 1/2 publishes of a batch without acknowledgement at once, 0 for no
 *     limit of the sink's own (MQTT 5: the client keeps within the broker's receive maximum anyway)
 */
record MqttSettings(String sinkId, String gateway, BrokerSettings connection, TopicTemplate topic, int qos,
        boolean retain, String availabilityTopic, boolean haDiscovery, String haPrefix, int maxPayloadBytes,
        Duration ackTimeout, int sendWindow) {

    private static final Pattern SINK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Used when the framework property {@code hearth.gateway.id} is missing (only outside the launcher). */
    static final String DEFAULT_GATEWAY = "hearth";
    /**
     * The send window over MQTT 3.1.1 unless {@code max_inflight} says otherwise: Mosquitto's default
     * {@code max_inflight_messages}. 3.1.1 cannot tell the client the broker's limit, and Mosquitto
     * answers a QoS 2 message over it with an ordinary PUBREC and drops it (its reason code 0x97 has
     * no place in a 3.1.1 PUBREC).
     */
    static final int MQTT3_WINDOW = 20;

    /** "host:port", as error messages name the broker. */
    String broker() {
        return connection.broker();
    }

    String clientId() {
        return connection.clientId();
    }

    Secret password() {
        return connection.password();
    }

    /**
     * Checks and converts a configuration.
     *
     * @param gatewayProperty the framework property {@code hearth.gateway.id}, or {@code null}
     * @throws IllegalArgumentException naming the key and the problem, never a secret's value
     */
    static MqttSettings from(MqttSinkConfig c, String gatewayProperty) {
        String sinkId = trim(c.hearth_sink_id());
        if (sinkId.isEmpty()) throw new IllegalArgumentException("hearth.sink.id is required (e.g. mqtt-home): it names the sink's cursor");
        if (!SINK_ID.matcher(sinkId).matches()) {
            throw new IllegalArgumentException("hearth.sink.id '" + sinkId + "': letters, digits, '.', '_', '-', at most 64");
        }
        String gateway = trim(gatewayProperty).isEmpty() ? DEFAULT_GATEWAY : gatewayProperty.trim();
        if (c.qos() < 0 || c.qos() > 2) throw new IllegalArgumentException("qos " + c.qos() + ": 0, 1 or 2");
        BrokerSettings connection = BrokerSettings.builder()
                .host(c.host()).port(c.port()).version(c.version())
                .clientId(c.client__id(), "hearth-" + gateway + "-" + sinkId)
                .username(c.username()).password(c.password(), c._password(), c.password__file())
                .tls(c.tls(), c.ca__file(), c.tls__sha256())
                .clientCertificate(c.client__cert__file(), c.client__key__file())
                .reconnectMaxSeconds(c.reconnect__max__s())
                .build();
        TopicTemplate topic = TopicTemplate.parse(c.topic());
        String availability = trim(c.availability__topic()).replace("{gateway}", TopicTemplate.segment(gateway));
        if (availability.isEmpty() || availability.contains("+") || availability.contains("#") || availability.contains("{")) {
            throw new IllegalArgumentException("availability_topic '" + c.availability__topic() + "': a topic without "
                    + "wildcards; only {gateway} is replaced");
        }
        String haPrefix = trim(c.ha__prefix());
        if (c.ha__discovery() && (haPrefix.isEmpty() || haPrefix.contains("+") || haPrefix.contains("#"))) {
            throw new IllegalArgumentException("ha_prefix '" + haPrefix + "' is not a topic prefix");
        }
        if (c.max__payload__kib() < 1) throw new IllegalArgumentException("max_payload_kib must be at least 1");
        if (c.ack__timeout__s() < 1) throw new IllegalArgumentException("ack_timeout_s must be at least 1");
        if (c.max__inflight() < 0 || c.max__inflight() > 65535) {
            throw new IllegalArgumentException("max_inflight " + c.max__inflight() + ": 1 to 65535, or 0 for "
                    + MQTT3_WINDOW + " over MQTT 3.1.1 and the broker's receive maximum over MQTT 5");
        }
        int window = c.max__inflight() > 0 ? c.max__inflight() : connection.version() == 3 ? MQTT3_WINDOW : 0;
        return new MqttSettings(sinkId, gateway, connection, topic, c.qos(), c.retain(), availability, c.ha__discovery(),
                haPrefix, c.max__payload__kib() * 1024, Duration.ofSeconds(c.ack__timeout__s()), c.qos() == 0 ? 0 : window);
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
