package dev.hearth.sink.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hearth.api.Reading;

/**
 * A topic template such as {@code hearth/{gateway}/{device}/{measurement}}, parsed once and
 * rendered per reading. No OSGi.
 *
 * <p>Placeholders: {@code {gateway}} (framework property {@code hearth.gateway.id}),
 * {@code {device}}, {@code {measurement}} and {@code {tag:NAME}} (the value of tag NAME; a reading
 * without that tag gets {@code _}). A value put into a topic can never change its shape: {@code /}
 * (a level separator), {@code +} and {@code #} (wildcards, invalid in a published topic), NUL and
 * other control characters become {@code _}, an empty value becomes {@code _}, and a topic that
 * would start with {@code $} (reserved for the broker, {@code $SYS}) gets {@code _} instead. So two
 * devices {@code a/b} and {@code a_b} share a topic; the payload still carries the true names.
 *
 * @param template the text as configured
 * @param parts literal text and placeholders, in order
 */
record TopicTemplate(String template, List<Part> parts) {

    /** MQTT's limit on a topic's UTF-8 length. */
    static final int MAX_TOPIC_BYTES = 65_535;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    /** Literal text or a placeholder. */
    sealed interface Part permits Literal, Gateway, Device, Measurement, Tag {
    }

    record Literal(String text) implements Part {
    }

    record Gateway() implements Part {
    }

    record Device() implements Part {
    }

    record Measurement() implements Part {
    }

    record Tag(String name) implements Part {
    }

    TopicTemplate {
        parts = List.copyOf(parts);
    }

    /**
     * Parses {@code template}.
     *
     * @throws IllegalArgumentException naming the problem: empty, an unknown placeholder, a stray
     *     brace, or a wildcard in the literal text
     */
    static TopicTemplate parse(String template) {
        if (template == null || template.isBlank()) throw new IllegalArgumentException("the topic template is empty");
        List<Part> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) parts.add(literal(template, template.substring(at, m.start())));
            String name = m.group(1);
            parts.add(switch (name) {
                case "gateway" -> new Gateway();
                case "device" -> new Device();
                case "measurement" -> new Measurement();
                default -> {
                    if (name.startsWith("tag:") && name.length() > 4) yield new Tag(name.substring(4));
                    throw new IllegalArgumentException("topic template '" + template + "': unknown placeholder {" + name
                            + "}; use {gateway}, {device}, {measurement} or {tag:NAME}");
                }
            });
            at = m.end();
        }
        if (at < template.length()) parts.add(literal(template, template.substring(at)));
        return new TopicTemplate(template, parts);
    }

    private static Literal literal(String template, String text) {
        if (text.contains("{") || text.contains("}")) {
            throw new IllegalArgumentException("topic template '" + template + "': unmatched brace in '" + text + "'");
        }
        if (text.contains("+") || text.contains("#")) {
            throw new IllegalArgumentException("topic template '" + template + "': '+' and '#' are wildcards, "
                    + "not allowed in a published topic");
        }
        return new Literal(text);
    }

    /** Names of the tags the template puts into the topic, in order. */
    List<String> tagNames() {
        return parts.stream().filter(Tag.class::isInstance).map(p -> ((Tag) p).name()).toList();
    }

    /** The topic for {@code reading} published by gateway {@code gateway}. */
    String render(Reading reading, String gateway) {
        StringBuilder topic = new StringBuilder(64);
        for (Part p : parts) {
            // Java 17: no pattern matching in switch yet
            if (p instanceof Literal l) topic.append(l.text());
            else if (p instanceof Gateway) topic.append(segment(gateway));
            else if (p instanceof Device) topic.append(segment(reading.device()));
            else if (p instanceof Measurement) topic.append(segment(reading.measurement()));
            else if (p instanceof Tag t) topic.append(segment(reading.tags().get(t.name())));
        }
        if (topic.length() > 0 && topic.charAt(0) == '$') topic.setCharAt(0, '_');
        return topic.toString();
    }

    /** Whether {@code topic} fits MQTT's length limit. */
    static boolean fits(String topic) {
        return topic.length() <= MAX_TOPIC_BYTES / 3 || topic.getBytes(StandardCharsets.UTF_8).length <= MAX_TOPIC_BYTES;
    }

    /** {@code value} made safe to stand inside one topic level. */
    static String segment(String value) {
        if (value == null || value.isEmpty()) return "_";
        StringBuilder s = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '+' || c == '#' || Character.isISOControl(c)) {
                if (s == null) s = new StringBuilder(value);
                s.setCharAt(i, '_');
            }
        }
        return s == null ? value : s.toString();
    }
}
