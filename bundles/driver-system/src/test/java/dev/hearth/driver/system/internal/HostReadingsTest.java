package dev.hearth.driver.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

class HostReadingsTest {

    private static final Instant AT = Instant.parse("2024-06-03T08:00:00Z");

    private static final HostMetrics PI = new HostMetrics(AT, 12.5, 4, 4,
            new HostMetrics.Memory(4000, 3000, 1000, 2000), 1717401663L, new HostMetrics.Tcp(8, 3),
            List.of(new HostMetrics.Disk("/", 100, 60, 40), new HostMetrics.Disk("/boot/firmware", 10, 1, 9)),
            48.686, new HostMetrics.Load(0.52, 0.58, 0.59), Map.of());

    /** The series a Prometheus sink makes of them: {@code <measurement>_<field>{tags}} -> value. */
    private static Map<String, Object> series(List<Reading> readings) {
        Map<String, Object> out = new TreeMap<>();
        for (Reading r : readings) {
            String labels = r.tags().entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                    .collect(Collectors.joining(","));
            r.fields().forEach((f, v) -> out.put(r.measurement() + "_" + f + (labels.isEmpty() ? "" : "{" + labels + "}"), v));
        }
        return out;
    }

    @Test
    void reproducesTheRaspberryPiMonitorNames() {
        List<Reading> readings = HostReadings.of(PI, "raspberrypi");
        assertTrue(readings.stream().allMatch(r -> r.device().equals("raspberrypi") && r.timestamp().equals(AT)));
        Map<String, Object> expected = new TreeMap<>();
        expected.put("cpu_usage", 12.5);
        expected.put("cpu_temperature", 48.686);
        expected.put("cpu_cores{type=\"all\"}", 4L);
        expected.put("cpu_cores{type=\"physical\"}", 4L);
        expected.put("memory_usage{type=\"total\"}", 4000L);
        expected.put("memory_usage{type=\"available\"}", 3000L);
        expected.put("memory_usage{type=\"used\"}", 1000L);
        expected.put("memory_usage{type=\"free\"}", 2000L);
        expected.put("boot_time", 1717401663L);
        expected.put("system_time", 1717401600.0);
        expected.put("tcp_connections", 8L);
        expected.put("tcp_established", 3L);
        expected.put("disk_usage{mount=\"/\",type=\"total\"}", 100L);
        expected.put("disk_usage{mount=\"/\",type=\"used\"}", 60L);
        expected.put("disk_usage{mount=\"/\",type=\"free\"}", 40L);
        expected.put("disk_usage{mount=\"/boot/firmware\",type=\"total\"}", 10L);
        expected.put("disk_usage{mount=\"/boot/firmware\",type=\"used\"}", 1L);
        expected.put("disk_usage{mount=\"/boot/firmware\",type=\"free\"}", 9L);
        expected.put("system_load1", 0.52);
        expected.put("system_load5", 0.58);
        expected.put("system_load15", 0.59);
        assertEquals(expected, series(readings));
    }

    @Test
    void missingMetricsLeaveNoReadings() {
        HostMetrics bare = new HostMetrics(AT, null, null, null, null, null, null, List.of(), null, null, Map.of());
        assertEquals(Map.of("system_time", 1717401600.0), series(HostReadings.of(bare, "h")),
                "system time is the sample time and always there");
    }
}
