package dev.hearth.itests.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import dev.hearth.api.Reading;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.SinkStatus;

/** Small look-ups on the gateway's status, for polling. */
final class Hearth {

    private Hearth() {
    }

    static Optional<SinkStatus> sink(GatewayStatus status, String id) {
        return status.sinks().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    static Optional<DeviceInfo> device(GatewayStatus status, String device) {
        return status.devices().stream().filter(d -> d.device().equals(device)).findFirst();
    }

    static long seq(Reading r) {
        return ((Number) r.fields().get("seq")).longValue();
    }

    static List<Long> seqs(List<Reading> readings) {
        return readings.stream().map(Hearth::seq).toList();
    }

    /**
     * Asserts that {@code actual} is exactly {@code from..to}, in order, once each; the message
     * names the first difference rather than printing thousands of numbers.
     */
    static void assertSeqs(String what, long from, long to, List<Long> actual) {
        long expectedSize = to - from + 1;
        for (int i = 0; i < Math.min(actual.size(), expectedSize); i++) {
            if (actual.get(i) != from + i) {
                throw new AssertionError(what + ": expected seq " + from + ".." + to + " in order; at index " + i + " found "
                        + actual.get(i) + " instead of " + (from + i) + " (" + actual.size() + " readings)");
            }
        }
        if (actual.size() != expectedSize) {
            throw new AssertionError(what + ": expected seq " + from + ".." + to + " (" + expectedSize + " readings), got "
                    + actual.size() + (actual.size() > expectedSize ? ", the extra ones starting " + actual.get((int) expectedSize) : ""));
        }
    }

    static Dictionary<String, Object> dict(Object... keysAndValues) {
        Hashtable<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            d.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return d;
    }
}
