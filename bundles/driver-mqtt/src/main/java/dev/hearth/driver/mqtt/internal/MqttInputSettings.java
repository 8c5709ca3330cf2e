package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.hearth.api.Reading;
import dev.hearth.mqtt.BrokerSettings;
import dev.hearth.support.net.Secret;

/**
 * A checked MQTT input configuration: what {@link MqttInputConfig} says, validated once at
 * activation so that a bad value is refused with its key and reason. {@link #toString()} shows
 * the password as {@code ****} ({@link Secret}).
 *
 * @param connection host, port, version, client id, credentials, TLS (with client certificate),
 *     reconnect backoff: the keys every Hearth MQTT component shares, checked by {@link BrokerSettings}
 * @param mapper the mode's mapping, built from the {@code z2m_*} or {@code json_*} keys
 */
record MqttInputSettings(String instance, String gateway, BrokerSettings connection, List<TopicFilter> topics,
        String mode, int qos, boolean cleanStart, long sessionExpirySeconds, int maxPayloadBytes, boolean excludeOwn,
        int batchSize, MessageMapper mapper) {

    static final String MODE_Z2M = "zigbee2mqtt";
    static final String MODE_JSON = "json";
    /** Used when the framework property {@code hearth.gateway.id} is missing (only outside the launcher). */
    static final String DEFAULT_GATEWAY = "hearth";
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** "host:port", as messages name the broker. */
    String broker() {
        return connection.broker();
    }

    String clientId() {
        return connection.clientId();
    }

    int version() {
        return connection.version();
    }

    Secret password() {
        return connection.password();
    }

    Duration reconnectMax() {
        return connection.reconnectMax();
    }

    /** The device id of this driver's own connection. */
    String connectionDevice() {
        return "mqtt-" + instance;
    }

    /**
     * Checks and converts a configuration.
     *
     * @param gatewayProperty the framework property {@code hearth.gateway.id}, or {@code null}
     * @param instanceHint the instance name from the configuration's origin (file name or PID), used when {@code instance} is empty
     * @throws IllegalArgumentException naming the key and the problem, never a secret's value
     */
    static MqttInputSettings from(MqttInputConfig c, String gatewayProperty, String instanceHint) {
        String gateway = trim(gatewayProperty).isEmpty() ? DEFAULT_GATEWAY : gatewayProperty.trim();
        String instance = trim(c.instance()).isEmpty() ? trim(instanceHint) : c.instance().trim();
        if (instance.isEmpty()) instance = "default";
        if (!INSTANCE.matcher(instance).matches()) {
            throw new IllegalArgumentException("instance '" + instance + "': letters, digits, '.', '_', '-', at most 64");
        }
        if (c.qos() < 0 || c.qos() > 2) throw new IllegalArgumentException("qos " + c.qos() + ": 0, 1 or 2");
        BrokerSettings connection = BrokerSettings.builder()
                .host(c.host()).port(c.port()).version(c.version())
                .clientId(c.client__id(), "hearth-" + gateway + "-" + instance)
                .username(c.username()).password(c.password(), c._password(), c.password__file())
                .tls(c.tls(), c.ca__file(), c.tls__sha256())
                .clientCertificate(c.client__cert__file(), c.client__key__file())
                .reconnectMaxSeconds(c.reconnect__max__s())
                .build();
        List<TopicFilter> topics = new ArrayList<>();
        for (String t : c.topics() == null ? new String[0] : c.topics()) {
            if (t == null || t.isBlank()) continue;
            // a comma-separated single value is what a .cfg line "topics=a/#,b/#" gives without array syntax
            for (String part : t.split(",")) if (!part.isBlank()) topics.add(TopicFilter.parse(part));
        }
        if (topics.isEmpty()) throw new IllegalArgumentException("topics: at least one topic filter is needed");
        if (c.session__expiry__s() < 0 || c.session__expiry__s() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("session_expiry_s " + c.session__expiry__s() + " is not 0..4294967295");
        }
        if (c.max__payload__kib() < 1) throw new IllegalArgumentException("max_payload_kib must be at least 1");
        if (c.batch__size() < 1 || c.batch__size() > 10_000) throw new IllegalArgumentException("batch_size is 1..10000");
        String mode = trim(c.mode());
        MessageMapper mapper = switch (mode) {
            case MODE_Z2M -> zigbee2mqtt(c);
            case MODE_JSON -> new GenericJsonMapper(jsonRules(c, topics));
            default -> throw new IllegalArgumentException("mode '" + mode + "': zigbee2mqtt or json");
        };
        return new MqttInputSettings(instance, gateway, connection, List.copyOf(topics), mode, c.qos(), c.clean__start(),
                c.session__expiry__s(), c.max__payload__kib() * 1024, c.exclude__own(), c.batch__size(),
                mapper);
    }

    private static Zigbee2MqttMapper zigbee2mqtt(MqttInputConfig c) {
        String base = trim(c.z2m__base__topic());
        if (base.isEmpty() || base.contains("+") || base.contains("#") || base.endsWith("/")) {
            throw new IllegalArgumentException("z2m_base_topic '" + base + "' is not a topic prefix");
        }
        return new Zigbee2MqttMapper(base, name("z2m_measurement", c.z2m__measurement()), names(c.z2m__strings()));
    }

    private static GenericJsonMapper.Rules jsonRules(MqttInputConfig c, List<TopicFilter> topics) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String t : names(c.json__tags())) {
            int eq = t.indexOf('=');
            if (eq <= 0 || eq == t.length() - 1) throw new IllegalArgumentException("json_tags: '" + t + "' is not key=value");
            tags.put(name("json_tags", t.substring(0, eq)), t.substring(eq + 1).strip());
        }
        if (c.json__device__topic__level() < -1) throw new IllegalArgumentException("json_device_topic_level is -1 or more");
        return new GenericJsonMapper.Rules(name("json_measurement", c.json__measurement()), topics, trim(c.json__device__field()),
                c.json__device__topic__level(), trim(c.json__time__field()), names(c.json__fields()),
                names(c.json__tag__fields()), tags);
    }

    private static String name(String key, String value) {
        String v = trim(value);
        try {
            Reading.of("check", v.isEmpty() ? "?" : v).field("check", 0L).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " '" + v + "': " + e.getMessage());
        }
        if (v.isEmpty()) throw new IllegalArgumentException(key + " is empty");
        return v;
    }

    private static Set<String> names(String[] values) {
        Set<String> s = new LinkedHashSet<>();
        if (values != null) {
            Arrays.stream(values).filter(v -> v != null).flatMap(v -> Arrays.stream(v.split(",")))
                    .map(String::strip).filter(v -> !v.isEmpty()).forEach(s::add);
        }
        return s;
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
