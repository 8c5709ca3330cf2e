package dev.hearth.driver.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One MQTT topic filter ({@code a/+/c}, {@code a/#}), checked and matched as the broker matches
 * it (MQTT 5 section 4.7). A shared subscription {@code $share/<group>/<filter>} matches as its
 * filter. No OSGi.
 *
 * @param filter as configured (what is subscribed)
 * @param levels the filter's levels, without a {@code $share/<group>/} prefix
 */
record TopicFilter(String filter, String[] levels) {

    static TopicFilter parse(String filter) {
        String f = filter == null ? "" : filter.strip();
        if (f.isEmpty()) throw new IllegalArgumentException("topics: an empty topic filter");
        if (f.getBytes(StandardCharsets.UTF_8).length > 65535) throw new IllegalArgumentException("topics: a filter longer than MQTT allows");
        String matched = f;
        if (f.startsWith("$share/")) {
            int slash = f.indexOf('/', "$share/".length());
            if (slash < 0 || slash == "$share/".length()) throw new IllegalArgumentException("topics: '" + f + "' is $share/<group>/<filter>");
            matched = f.substring(slash + 1);
        }
        String[] levels = matched.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String l = levels[i];
            if (l.equals("#") && i != levels.length - 1) throw new IllegalArgumentException("topics: '" + f + "': # only as the last level");
            if (!l.equals("#") && !l.equals("+") && (l.contains("#") || l.contains("+"))) {
                throw new IllegalArgumentException("topics: '" + f + "': + and # fill a whole level");
            }
        }
        return new TopicFilter(f, levels);
    }

    /** Whether {@code topic} matches; topics starting with {@code $} match only filters that name it (MQTT 4.7.2). */
    boolean matches(String topic) {
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (levels[0].equals("+") || levels[0].equals("#"))) return false;
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("#")) return true;
            if (i >= t.length) return false;
            if (!levels[i].equals("+") && !levels[i].equals(t[i])) return false;
        }
        return t.length == levels.length;
    }

    /** The index of the first {@code +} level, or -1. */
    int firstWildcardLevel() {
        return Arrays.asList(levels).indexOf("+");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicFilter other && filter.equals(other.filter);
    }

    @Override
    public int hashCode() {
        return filter.hashCode();
    }

    @Override
    public String toString() {
        return filter;
    }
}
