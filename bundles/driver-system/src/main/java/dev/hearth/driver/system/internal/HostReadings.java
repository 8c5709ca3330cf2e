package dev.hearth.driver.system.internal;

import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.Reading;

/**
 * Turns a {@link HostMetrics} sample into readings. Measurements, fields and tags are chosen so
 * that a Prometheus sink naming series {@code <measurement>_<field>} with the tags as labels
 * serves the names of the Raspberry Pi monitor people already have dashboards for
 * ({@code cpu_usage}, {@code cpu_cores{type}}, {@code memory_usage{type}}, {@code disk_usage{mount,type}},
 * {@code boot_time}, {@code system_time}, {@code tcp_connections}, {@code cpu_temperature}).
 * The README has the whole table.
 */
public final class HostReadings {

    private HostReadings() {
    }

    public static List<Reading> of(HostMetrics m, String device) {
        List<Reading> out = new ArrayList<>();

        Reading.Builder cpu = Reading.of(device, "cpu").at(m.at());
        boolean cpuHasField = false;
        if (m.cpuUsagePercent() != null) { cpu.field("usage", m.cpuUsagePercent()); cpuHasField = true; }
        if (m.cpuTemperatureCelsius() != null) { cpu.field("temperature", m.cpuTemperatureCelsius()); cpuHasField = true; }
        if (cpuHasField) out.add(cpu.build());

        if (m.logicalCores() != null) {
            out.add(Reading.of(device, "cpu").at(m.at()).tag("type", "all").field("cores", (long) m.logicalCores()).build());
        }
        if (m.physicalCores() != null) {
            out.add(Reading.of(device, "cpu").at(m.at()).tag("type", "physical").field("cores", (long) m.physicalCores()).build());
        }

        HostMetrics.Memory mem = m.memory();
        if (mem != null) {
            out.add(memory(device, m, "total", mem.total()));
            out.add(memory(device, m, "available", mem.available()));
            out.add(memory(device, m, "used", mem.used()));
            out.add(memory(device, m, "free", mem.free()));
        }

        if (m.bootTime() != null) {
            out.add(Reading.of(device, "boot").at(m.at()).field("time", (long) m.bootTime()).build());
        }

        // system_time is the sample time itself, so uptime = system_time - boot_time as in the Pi dashboard
        Reading.Builder system = Reading.of(device, "system").at(m.at())
                .field("time", m.at().toEpochMilli() / 1000.0);
        if (m.load() != null) {
            system.field("load1", m.load().load1()).field("load5", m.load().load5()).field("load15", m.load().load15());
        }
        out.add(system.build());

        if (m.tcp() != null) {
            out.add(Reading.of(device, "tcp").at(m.at())
                    .field("connections", m.tcp().connections())
                    .field("established", m.tcp().established()).build());
        }

        for (HostMetrics.Disk disk : m.disks()) {
            out.add(disk(device, m, disk.mount(), "total", disk.total()));
            out.add(disk(device, m, disk.mount(), "used", disk.used()));
            out.add(disk(device, m, disk.mount(), "free", disk.free()));
        }
        return out;
    }

    private static Reading memory(String device, HostMetrics m, String type, long bytes) {
        return Reading.of(device, "memory").at(m.at()).tag("type", type).field("usage", bytes).build();
    }

    private static Reading disk(String device, HostMetrics m, String mount, String type, long bytes) {
        return Reading.of(device, "disk").at(m.at()).tag("mount", mount).tag("type", type).field("usage", bytes).build();
    }
}
