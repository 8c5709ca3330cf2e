package dev.hearth.driver.system.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One sample of the host. A metric that could not be read is {@code null} (or missing from
 * {@link #disks}); why is in {@link #problems} when the source was there but unreadable, and
 * nowhere when the source simply does not exist on this host (no thermal zone in a container).
 *
 * @param at when the sample was taken; it is also the reported system time
 * @param cpuUsagePercent busy share of all CPUs since the previous sample, 0..100; {@code null} on the first
 * @param logicalCores online logical CPUs
 * @param physicalCores distinct physical cores
 * @param memory memory in bytes
 * @param bootTime when the host booted, epoch seconds
 * @param tcp TCP sockets of the network namespace that {@code /proc/net} shows
 * @param disks usage of each real filesystem, by mount point
 * @param cpuTemperatureCelsius CPU (or SoC) temperature
 * @param load load averages
 * @param problems metric name to a readable reason, for metrics whose source was present but unusable
 */
public record HostMetrics(Instant at, Double cpuUsagePercent, Integer logicalCores, Integer physicalCores,
        Memory memory, Long bootTime, Tcp tcp, List<Disk> disks, Double cpuTemperatureCelsius, Load load,
        Map<String, String> problems) {

    public HostMetrics {
        disks = List.copyOf(disks);
        problems = Map.copyOf(problems);
    }

    /** Bytes; {@code used = total - available}. */
    public record Memory(long total, long available, long used, long free) {
    }

    /** Socket table entries (listening ones included, as psutil counts them) and those in state ESTABLISHED. */
    public record Tcp(long connections, long established) {
    }

    /** Bytes of one filesystem; {@code free} is what an unprivileged user may still write. */
    public record Disk(String mount, long total, long used, long free) {
    }

    public record Load(double load1, double load5, double load15) {
    }
}
