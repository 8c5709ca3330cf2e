package dev.hearth.driver.system.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class SystemMetricsReaderTest {

    private static final long KB = 1024;

    @TempDir
    Path root;

    @Test
    void readsEveryMetricOfARaspberryPi() throws IOException {
        PiFixture.copyTo(root);
        HostMetrics m = new SystemMetricsReader(root).read();

        assertEquals(Set.of(), m.problems().keySet(), m.problems().toString());
        assertNull(m.cpuUsagePercent(), "the first sample has nothing to compare with");
        assertEquals(4, m.logicalCores());
        assertEquals(4, m.physicalCores(), "from sysfs topology, as the Pi's cpuinfo has no core ids");
        assertEquals(new HostMetrics.Memory(3885508 * KB, 3212440 * KB, (3885508 - 3212440) * KB, 2107612 * KB), m.memory());
        assertEquals(1717401663L, m.bootTime());
        assertEquals(new HostMetrics.Tcp(8, 3), m.tcp(), "6 IPv4 + 2 IPv6 sockets, 3 of them ESTABLISHED");
        assertEquals(48.686, m.cpuTemperatureCelsius());
        assertEquals(new HostMetrics.Load(0.52, 0.58, 0.59), m.load());
        assertEquals(List.of("/", "/boot/firmware"), m.disks().stream().map(HostMetrics.Disk::mount).toList(),
                "ext4 and vfat only; tmpfs, cgroup2, proc and the rest are skipped");
        for (HostMetrics.Disk d : m.disks()) {
            assertTrue(d.total() > 0 && d.used() <= d.total() && d.free() <= d.total(), d.toString());
        }
    }

    @Test
    void cpuUsageIsTheBusyShareBetweenTwoSamples() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        assertNull(reader.read().cpuUsagePercent());
        // +300 user, +100 system, +500 idle, +100 iowait: 400 busy of 1000
        PiFixture.write(root, "proc/stat", "cpu  1137685 1226 417693 38715546 37942 0 10457 0 0 0\nbtime 1717401663\n");
        assertEquals(40.0, reader.read().cpuUsagePercent(), 1e-9);
        // guest time is already part of user time and must not count twice
        PiFixture.write(root, "proc/stat", "cpu  1137785 1226 417693 38715646 37942 0 10457 0 5000 5000\nbtime 1717401663\n");
        assertEquals(50.0, reader.read().cpuUsagePercent(), 1e-9);
    }

    @Test
    void countersThatGoBackwardsGiveNoUsageAndNoError() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        reader.read();
        PiFixture.write(root, "proc/stat", "cpu  10 0 10 100 0 0 0 0 0 0\nbtime 1717401663\n");
        HostMetrics m = reader.read();
        assertNull(m.cpuUsagePercent());
        assertEquals(Set.of(), m.problems().keySet());
        PiFixture.write(root, "proc/stat", "cpu  20 0 10 110 0 0 0 0 0 0\nbtime 1717401663\n");
        assertEquals(50.0, reader.read().cpuUsagePercent(), 1e-9, "and the next sample measures again");
    }

    @Test
    void physicalCoresComeFromCoreIdsWhenCpuinfoHasThem() throws IOException {
        PiFixture.copyTo(root);
        StringBuilder cpuinfo = new StringBuilder();
        // 2 sockets x 2 cores x 2 threads
        int n = 0;
        for (int socket = 0; socket < 2; socket++) {
            for (int core = 0; core < 2; core++) {
                for (int thread = 0; thread < 2; thread++) {
                    cpuinfo.append("processor\t: ").append(n++).append("\nvendor_id\t: GenuineIntel\nphysical id\t: ")
                            .append(socket).append("\ncore id\t\t: ").append(core).append("\n\n");
                }
            }
        }
        PiFixture.write(root, "proc/cpuinfo", cpuinfo.toString());
        PiFixture.write(root, "proc/stat", "cpu  1 1 1 1\ncpu0 1 1 1 1\ncpu1 1 1 1 1\ncpu2 1 1 1 1\ncpu3 1 1 1 1\n"
                + "cpu4 1 1 1 1\ncpu5 1 1 1 1\ncpu6 1 1 1 1\ncpu7 1 1 1 1\nbtime 1\n");
        HostMetrics m = new SystemMetricsReader(root).read();
        assertEquals(8, m.logicalCores());
        assertEquals(4, m.physicalCores());
    }

    @Test
    void physicalFallsBackToLogicalWithoutTopology() throws IOException {
        PiFixture.copyTo(root);
        deleteTree(root.resolve("sys/devices"));
        HostMetrics m = new SystemMetricsReader(root).read();
        assertEquals(4, m.physicalCores());
    }

    @Test
    void aContainerWithoutSensorsSimplyLacksThoseMetrics() throws IOException {
        PiFixture.copyTo(root);
        deleteTree(root.resolve("sys"));
        Files.delete(root.resolve("proc/net/tcp6"));
        SystemMetricsReader reader = new SystemMetricsReader(root);
        for (int i = 0; i < 3; i++) {
            HostMetrics m = reader.read();
            assertNull(m.cpuTemperatureCelsius());
            assertEquals(Set.of(), m.problems().keySet(), "absent is not an error");
            assertEquals(new HostMetrics.Tcp(6, 2), m.tcp());
            assertEquals(4, m.physicalCores());
        }
    }

    @Test
    void anEmptyRootGivesNothingButDoesNotFail() {
        HostMetrics m = new SystemMetricsReader(root.resolve("nowhere")).read();
        assertNull(m.logicalCores());
        assertNull(m.memory());
        assertNull(m.tcp());
        assertEquals(List.of(), m.disks());
        assertEquals(Set.of(), m.problems().keySet());
    }

    @Test
    void prefersTheCpuZoneThenACpuHwmonChip() throws IOException {
        PiFixture.copyTo(root);
        deleteTree(root.resolve("sys/class"));
        PiFixture.write(root, "sys/class/thermal/thermal_zone0/type", "acpitz\n");
        PiFixture.write(root, "sys/class/thermal/thermal_zone0/temp", "27800\n");
        PiFixture.write(root, "sys/class/thermal/thermal_zone10/type", "x86_pkg_temp\n");
        PiFixture.write(root, "sys/class/thermal/thermal_zone10/temp", "61000\n");
        assertEquals(61.0, new SystemMetricsReader(root).read().cpuTemperatureCelsius());

        Files.delete(root.resolve("sys/class/thermal/thermal_zone10/temp"));
        PiFixture.write(root, "sys/class/hwmon/hwmon0/name", "nvme\n");
        PiFixture.write(root, "sys/class/hwmon/hwmon0/temp1_input", "38850\n");
        PiFixture.write(root, "sys/class/hwmon/hwmon2/name", "coretemp\n");
        PiFixture.write(root, "sys/class/hwmon/hwmon2/temp1_input", "55000\n");
        assertEquals(55.0, new SystemMetricsReader(root).read().cpuTemperatureCelsius());

        deleteTree(root.resolve("sys/class/hwmon"));
        assertEquals(27.8, new SystemMetricsReader(root).read().cpuTemperatureCelsius(), "any zone beats none");

        PiFixture.write(root, "sys/class/thermal/thermal_zone0/temp", "-5000\n");
        assertEquals(-5.0, new SystemMetricsReader(root).read().cpuTemperatureCelsius(), "frost is plausible");
    }

    @Test
    void mountPointsAreUnescapedAndKeptUnderRoot() throws IOException {
        PiFixture.copyTo(root);
        Files.createDirectories(root.resolve("media/my disk"));
        PiFixture.write(root, "proc/mounts", """
                /dev/mmcblk0p2 / ext4 rw,noatime 0 0
                /dev/sda1 /media/my\\040disk ext4 rw 0 0
                /dev/sdb1 /../../../etc ext4 rw 0 0
                /dev/sdc1 /not/there ext4 rw 0 0
                overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0
                /dev/loop0 /snap/core/1 squashfs ro 0 0
                server:/export /mnt/nas nfs4 rw 0 0
                garbage
                """);
        HostMetrics m = new SystemMetricsReader(root).read();
        assertEquals(List.of("/", "/media/my disk"), m.disks().stream().map(HostMetrics.Disk::mount).toList());
        assertEquals(Set.of(), m.problems().keySet());
    }

    // ---- hostile and broken files: that metric is named in problems, the others are read ---------

    @Test
    void garbageStatCostsCpuAndBootTimeOnly() throws IOException {
        PiFixture.copyTo(root);
        byte[] noise = new byte[64 * 1024];
        new Random(42).nextBytes(noise);
        Files.write(root.resolve("proc/stat"), noise);
        HostMetrics m = new SystemMetricsReader(root).read();
        assertTrue(m.problems().get("cpu_usage").contains("no aggregate 'cpu' line"), m.problems().toString());
        assertTrue(m.problems().get("boot_time").contains("no 'btime' line"), m.problems().toString());
        assertEquals(4, m.logicalCores(), "counted from /proc/cpuinfo instead");
        assertOthersRead(m, "cpu_usage", "boot_time");
    }

    @Test
    void statWithTooFewFieldsHugeNumbersOrOverflow() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        String rest = "cpu0 1 1 1 1\ncpu1 1 1 1 1\ncpu2 1 1 1 1\ncpu3 1 1 1 1\nbtime 1717401663\n";
        for (String cpu : List.of(
                "cpu  12 34\n",
                "cpu  123456789012345678901234567890 0 0 0\n",
                "cpu  9223372036854775000 9223372036854775000 0 0\n",
                "cpu  -1 0 0 5\n",
                "cpu  a b c d e\n")) {
            String stat = cpu + rest;
            PiFixture.write(root, "proc/stat", stat);
            HostMetrics m = reader.read();
            assertEquals(Set.of("cpu_usage"), m.problems().keySet(), stat + " -> " + m.problems());
            assertEquals(1717401663L, m.bootTime());
            assertOthersRead(m, "cpu_usage");
        }
    }

    @Test
    void btimeThatIsNotANumber() throws IOException {
        PiFixture.copyTo(root);
        PiFixture.write(root, "proc/stat", "cpu  1 2 3 4\ncpu0 1 2 3 4\ncpu1 1 2 3 4\ncpu2 1 2 3 4\ncpu3 1 2 3 4\nbtime soon\n");
        HostMetrics m = new SystemMetricsReader(root).read();
        assertEquals("btime is not a whole number: 'soon'", m.problems().get("boot_time"));
        assertOthersRead(m, "boot_time");
    }

    @Test
    void emptyFiles() throws IOException {
        PiFixture.copyTo(root);
        for (String f : List.of("proc/stat", "proc/meminfo", "proc/loadavg", "proc/net/tcp", "proc/net/tcp6",
                "proc/mounts", "sys/class/thermal/thermal_zone0/temp")) {
            PiFixture.write(root, f, "");
        }
        HostMetrics m = new SystemMetricsReader(root).read();
        assertEquals(Set.of("cpu_usage", "boot_time", "memory", "load", "cpu_temperature"), m.problems().keySet(),
                m.problems().toString());
        assertEquals(4, m.logicalCores());
        assertEquals(new HostMetrics.Tcp(0, 0), m.tcp(), "an empty socket table is zero sockets");
        assertEquals(List.of(), m.disks());
    }

    @Test
    void truncatedAndContradictoryMeminfo() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        PiFixture.write(root, "proc/meminfo", "MemTotal:        3885508 kB\nMemFr");
        assertTrue(reader.read().problems().get("memory").contains("lacks MemTotal or MemFree"));

        PiFixture.write(root, "proc/meminfo", "MemTotal: 100 kB\nMemFree: 50 kB\nMemAvailable: 200 kB\n");
        assertTrue(reader.read().problems().get("memory").contains("more is available"));

        PiFixture.write(root, "proc/meminfo", "MemTotal: 99999999999999999999 kB\nMemFree: 1 kB\n");
        assertTrue(reader.read().problems().containsKey("memory"));

        PiFixture.write(root, "proc/meminfo", "MemTotal: 9223372036854775807 kB\nMemFree: 1 kB\nMemAvailable: 1 kB\n");
        assertTrue(reader.read().problems().get("memory").contains("overflows"), "overflows when turned into bytes");

        // a kernel older than 3.14: available is estimated from free + buffers + cached
        PiFixture.write(root, "proc/meminfo", "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n");
        HostMetrics m = reader.read();
        assertEquals(new HostMetrics.Memory(1000 * KB, 400 * KB, 600 * KB, 100 * KB), m.memory());
        assertOthersRead(m);
    }

    @Test
    void temperatureThatIsNotANumberOrNotPlausible() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        for (String temp : List.of("hot\n", "48.6\n", "99999999999\n", "\u0000\u0001\n", "48686 48686\n")) {
            PiFixture.write(root, "sys/class/thermal/thermal_zone0/temp", temp);
            HostMetrics m = reader.read();
            assertNull(m.cpuTemperatureCelsius(), temp);
            assertTrue(m.problems().get("cpu_temperature").contains("thermal_zone0/temp"), m.problems().toString());
            assertOthersRead(m, "cpu_temperature");
        }
    }

    @Test
    void loadAveragesThatAreNotDecimals() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        for (String load : List.of("NaN NaN NaN 1/1 1\n", "Infinity 0 0 1/1 1\n", "0x1p3 0 0\n", "1d 1 1\n", "0.5\n")) {
            PiFixture.write(root, "proc/loadavg", load);
            HostMetrics m = reader.read();
            assertNull(m.load(), load);
            assertTrue(m.problems().containsKey("load"), load);
            assertOthersRead(m, "load");
        }
    }

    @Test
    void tcpTableWithoutItsHeaderOrWithJunkLines() throws IOException {
        PiFixture.copyTo(root);
        SystemMetricsReader reader = new SystemMetricsReader(root);
        PiFixture.write(root, "proc/net/tcp", "<html>not a socket table</html>\n");
        HostMetrics m = reader.read();
        assertTrue(m.problems().get("tcp_connections").contains("header"), m.problems().toString());
        assertOthersRead(m, "tcp_connections");

        PiFixture.write(root, "proc/net/tcp", "  sl  local_address rem_address   st\n   0: x\n\n   1: 0100007F:0CEA 00000000:0000 01 0\n");
        assertEquals(new HostMetrics.Tcp(3, 2), reader.read().tcp(), "a short line is not a socket");
    }

    @Test
    void oversizedFilesAreRefusedNotSlurped() throws IOException {
        PiFixture.copyTo(root);
        Files.write(root.resolve("proc/meminfo"), new byte[SystemMetricsReader.MAX_FILE_BYTES + 10]);
        HostMetrics m = new SystemMetricsReader(root).read();
        assertTrue(m.problems().get("memory").contains("larger than"), m.problems().toString());
        assertOthersRead(m, "memory");
    }

    @Test
    void aDirectoryWhereAFileShouldBe() throws IOException {
        PiFixture.copyTo(root);
        Files.delete(root.resolve("proc/loadavg"));
        Files.createDirectories(root.resolve("proc/loadavg"));
        HostMetrics m = new SystemMetricsReader(root).read();
        assertTrue(m.problems().containsKey("load"), m.problems().toString());
        assertOthersRead(m, "load");
    }

    // ---- the real host --------------------------------------------------------------------------

    @Test
    @EnabledOnOs(OS.LINUX)
    void readsTheRealHostPlausibly() throws InterruptedException {
        SystemMetricsReader reader = new SystemMetricsReader(Path.of("/"));
        reader.read();
        Thread.sleep(300);
        HostMetrics m = reader.read();
        assertEquals(Set.of(), m.problems().keySet(), m.problems().toString());
        assertTrue(m.logicalCores() >= 1 && m.logicalCores() <= 4096, "logical " + m.logicalCores());
        assertTrue(m.physicalCores() >= 1 && m.physicalCores() <= m.logicalCores(), "physical " + m.physicalCores());
        assertTrue(m.memory().total() > 64L * 1024 * 1024, m.memory().toString());
        assertTrue(m.memory().used() >= 0 && m.memory().used() <= m.memory().total(), m.memory().toString());
        Instant boot = Instant.ofEpochSecond(m.bootTime());
        assertTrue(boot.isAfter(Instant.parse("2000-01-01T00:00:00Z")) && boot.isBefore(Instant.now()), boot.toString());
        assertTrue(m.load().load1() >= 0 && m.load().load15() >= 0);
        if (m.cpuUsagePercent() != null) {
            assertTrue(m.cpuUsagePercent() >= 0 && m.cpuUsagePercent() <= 100, "usage " + m.cpuUsagePercent());
        }
        if (m.tcp() != null) assertTrue(m.tcp().established() <= m.tcp().connections());
        if (m.cpuTemperatureCelsius() != null) {
            assertTrue(m.cpuTemperatureCelsius() > -40 && m.cpuTemperatureCelsius() < 130);
        }
        for (HostMetrics.Disk d : m.disks()) {
            assertTrue(d.mount().startsWith("/") && d.total() > 0 && d.used() <= d.total() && d.free() <= d.total(),
                    d.toString());
        }
        assertNotNull(m.at());
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Every metric not named is present, as in the Pi fixture. */
    private static void assertOthersRead(HostMetrics m, String... spoiled) {
        Set<String> broken = Set.of(spoiled);
        assertEquals(broken, m.problems().keySet(), m.problems().toString());
        if (!broken.contains("cpu_cores")) assertEquals(4, m.logicalCores());
        if (!broken.contains("memory")) assertNotNull(m.memory());
        if (!broken.contains("boot_time")) assertNotNull(m.bootTime());
        if (!broken.contains("tcp_connections")) assertNotNull(m.tcp());
        if (!broken.contains("cpu_temperature")) assertNotNull(m.cpuTemperatureCelsius());
        if (!broken.contains("load")) assertNotNull(m.load());
        if (!broken.contains("disk_usage")) {
            assertEquals(Set.of("/", "/boot/firmware"), m.disks().stream().map(HostMetrics.Disk::mount).collect(Collectors.toSet()));
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.delete(p);
        }
    }
}
