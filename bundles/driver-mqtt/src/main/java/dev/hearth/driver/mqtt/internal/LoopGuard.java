package dev.hearth.driver.mqtt.internal;

import java.util.Map;

/**
 * Recognises this gateway's own output coming back through the broker, so that a gateway that
 * publishes to and subscribes from one broker (an MQTT sink and this driver, with {@code #} or
 * {@code hearth/#} subscribed) does not ingest its readings again, and again. No OSGi.
 *
 * <p>Two marks, either suffices: the topic is under {@code hearth/<gateway id>/} (the MQTT sink's
 * default topic template and availability topic, with the id made topic-safe the way the sink
 * does it); or an MQTT 5 user property {@value #USER_PROPERTY} names this gateway (for publishers
 * that use other topics). MQTT does not tell a subscriber which client published a message, so a
 * client id cannot be checked.
 */
final class LoopGuard {

    /** The user property a Hearth publisher may set to its gateway id. */
    static final String USER_PROPERTY = "hearth-gateway";

    private final String gateway;
    private final String ownPrefix;

    LoopGuard(String gateway) {
        this.gateway = gateway;
        this.ownPrefix = "hearth/" + topicSegment(gateway) + "/";
    }

    String ownPrefix() {
        return ownPrefix;
    }

    /** Whether the message is this gateway's own output. */
    boolean isOwn(String topic, Map<String, String> userProperties) {
        if (topic.startsWith(ownPrefix)) return true;
        return gateway.equals(userProperties.get(USER_PROPERTY));
    }

    /** Whether every topic {@code filter} can match is this gateway's own output (then the subscription is pointless). */
    boolean coversOnlyOwn(TopicFilter filter) {
        String f = String.join("/", filter.levels());
        return f.startsWith(ownPrefix) || f.equals(ownPrefix + "#") || (f + "/").equals(ownPrefix);
    }

    /** As the MQTT sink's TopicTemplate makes a value one topic level: {@code + # /} become {@code _}. */
    static String topicSegment(String value) {
        return value.replace('+', '_').replace('#', '_').replace('/', '_');
    }
}
