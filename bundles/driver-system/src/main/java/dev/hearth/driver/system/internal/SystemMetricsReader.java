package dev.hearth.driver.system.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads host metrics from {@code /proc} and {@code /sys} under a root directory ({@code /}, or
 * where a container mounts the host's root, e.g. {@code /rootfs}). No OSGi in here.
 *
 * <p>Every metric is read on its own: a missing, truncated or hostile file costs that metric only.
 * A metric whose source does not exist is left out and logged once at INFO; one whose source is
 * unusable is named in {@link HostMetrics#problems()} and logged at WARN when the reason changes
 * (repeats go to DEBUG), so a broken file does not flood the log every interval.
 *
 * <p>Not thread-safe by design of the caller (one scheduled task); {@link #read()} is
 * synchronized anyway because it keeps the previous CPU sample.
 */
public final class SystemMetricsReader {

    private static final Logger LOG = LoggerFactory.getLogger(SystemMetricsReader.class);

    /** Larger than any sane /proc/stat, /proc/cpuinfo or /proc/mounts; guards against a hostile root. */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

    /** Filesystems that hold no user data (used when /proc/filesystems cannot say which are "nodev"). */
    private static final Set<String> VIRTUAL_FILESYSTEMS = Set.of("proc", "sysfs", "tmpfs", "devtmpfs", "devpts",
            "cgroup", "cgroup2", "overlay", "squashfs", "securityfs", "pstore", "debugfs", "tracefs", "configfs",
            "fusectl", "mqueue", "hugetlbfs", "bpf", "autofs", "binfmt_misc", "rpc_pipefs", "nsfs", "ramfs",
            "efivarfs", "selinuxfs", "nfsd", "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal", "none", "shm", "devfs",
            "sockfs", "pipefs");

    /** Thermal zone types that are the CPU or the SoC it sits on, best first. */
    private static final List<String> CPU_ZONE_TYPES = List.of("cpu-thermal", "cpu_thermal", "x86_pkg_temp",
            "soc-thermal", "soc_thermal", "cpu0-thermal");

    /** hwmon chip names that measure the CPU. */
    private static final Set<String> CPU_HWMON_NAMES = Set.of("cpu_thermal", "cpu-thermal", "coretemp", "k10temp",
            "zenpower", "soc_thermal");

    private static final Pattern CPU_N = Pattern.compile("cpu\\d+");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,12}(\\.\\d{1,12})?");
    private static final Pattern MEMINFO_LINE = Pattern.compile("([A-Za-z0-9_()]+):\\s+(\\d{1,19})(?:\\s+kB)?\\s*");
    private static final Pattern OCTAL_ESCAPE = Pattern.compile("\\\\([0-7]{3})");

    private final Path root;
    private final Clock clock;
    /** What was last logged for each metric ("" when healthy), so each change is logged once. */
    private final Map<String, String> logged = new HashMap<>();
    private CpuTimes previousCpu;

    public SystemMetricsReader(Path root) {
        this(root, Clock.systemUTC());
    }

    SystemMetricsReader(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    /** Takes one sample. Never throws for bad input; see the class description. */
    public synchronized HostMetrics read() {
        Instant at = clock.instant();
        Map<String, String> problems = new LinkedHashMap<>();

        String stat = attempt("cpu_usage", problems, () -> readSmall(proc("stat")));
        // null from cpuUsage means "no rate yet", not "absent": the first sample has nothing to compare with
        Optional<Double> usage = stat == null ? null : attempt("cpu_usage", problems, () -> Optional.ofNullable(cpuUsage(stat)));
        Integer logical = attempt("cpu_cores", problems, () -> logicalCores(stat));
        Integer physical = logical == null ? null : attempt("cpu_cores", problems, () -> physicalCores(logical));
        Long bootTime = stat == null ? null : attempt("boot_time", problems, () -> bootTime(stat));
        HostMetrics.Memory memory = attempt("memory", problems, this::memory);
        HostMetrics.Tcp tcp = attempt("tcp_connections", problems, this::tcp);
        List<HostMetrics.Disk> disks = attempt("disk_usage", problems, () -> disks(problems));
        Double temperature = attempt("cpu_temperature", problems, this::cpuTemperature);
        HostMetrics.Load load = attempt("load", problems, this::load);

        return new HostMetrics(at, usage == null ? null : usage.orElse(null), logical, physical, memory, bootTime, tcp, disks == null ? List.of() : disks,
                temperature, load, problems);
    }

    // ---- one metric at a time ------------------------------------------------------------------

    @FunctionalInterface
    private interface Source<T> {
        /** The value, or {@code null} when this host has no such source. */
        T read() throws IOException;
    }

    private <T> T attempt(String metric, Map<String, String> problems, Source<T> source) {
        try {
            T value = source.read();
            if (value == null) {
                noteAbsent(metric, "its source does not exist under " + root);
            } else if (!problems.containsKey(metric)) {
                noteHealthy(metric);
            }
            return value;
        } catch (NoSuchFileException e) {
            noteAbsent(metric, e.getFile() + " does not exist");
            return null;
        } catch (IOException | RuntimeException e) {
            // RuntimeException: NumberFormatException, ArithmeticException and friends from hostile content
            String reason = e instanceof UncheckedMalformed m ? m.getMessage() : describe(e);
            problems.merge(metric, reason, (a, b) -> a + "; " + b);
            noteProblem(metric, problems.get(metric));
            return null;
        }
    }

    /** A source that exists but cannot be understood; its message is the whole explanation. */
    private static final class UncheckedMalformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedMalformed(String message) {
            super(message, null, false, false);
        }
    }

    private static UncheckedMalformed malformed(String message) {
        return new UncheckedMalformed(message);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private void noteAbsent(String metric, String why) {
        String state = "absent";
        if (!state.equals(logged.put(metric, state))) {
            LOG.info("{}: not available on this host ({}); the metric is left out", metric, why);
        }
    }

    private void noteHealthy(String metric) {
        String before = logged.put(metric, "");
        if (before != null && !before.isEmpty()) {
            LOG.info("{}: readable again", metric);
        }
    }

    private void noteProblem(String metric, String reason) {
        if (reason.equals(logged.put(metric, reason))) {
            LOG.debug("{}: still unreadable: {}", metric, reason);
        } else {
            LOG.warn("{}: cannot read it, left out of this sample: {}", metric, reason);
        }
    }

    // ---- CPU ----------------------------------------------------------------------------------

    /** Aggregate jiffies: everything, and the part spent idle or waiting for I/O. */
    private record CpuTimes(long total, long idle) {
    }

    private Double cpuUsage(String stat) {
        String line = stat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
                .orElseThrow(() -> malformed(proc("stat") + " has no aggregate 'cpu' line"));
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 5) throw malformed("'cpu' line of " + proc("stat") + " has " + (parts.length - 1)
                + " numbers, expected at least 4: " + abbreviate(line));
        long total = 0;
        // user nice system idle iowait irq softirq steal; guest and guest_nice are already in user and nice
        int counted = Math.min(parts.length - 1, 8);
        long[] v = new long[counted];
        for (int i = 0; i < counted; i++) {
            v[i] = nonNegative(parts[i + 1], "cpu time");
            if (total > Long.MAX_VALUE - v[i]) throw malformed("cpu times in " + proc("stat") + " add up to more than 2^63");
            total += v[i];
        }
        long idle = v[3] + (counted > 4 ? v[4] : 0);
        CpuTimes now = new CpuTimes(total, idle);
        CpuTimes before = previousCpu;
        previousCpu = now;
        if (before == null) return null; // a rate needs two samples
        long dt = now.total - before.total;
        long busy = (now.total - now.idle) - (before.total - before.idle);
        if (dt <= 0 || busy < 0 || busy > dt) {
            // no jiffy passed, or counters went backwards (a container restart, a hostile file): start over
            LOG.debug("cpu_usage: counters did not advance ({} -> {}), waiting for the next sample", before, now);
            return null;
        }
        return 100.0 * busy / dt;
    }

    private Integer logicalCores(String stat) throws IOException {
        if (stat != null) {
            long n = stat.lines().map(l -> l.split("\\s", 2)[0]).filter(w -> CPU_N.matcher(w).matches()).count();
            if (n > 0) return (int) n;
        }
        String cpuinfo = readSmall(proc("cpuinfo"));
        long n = cpuinfo.lines().filter(l -> l.startsWith("processor") && l.contains(":")).count();
        if (n == 0) throw malformed("no cpuN lines in " + proc("stat") + " and no 'processor' lines in " + proc("cpuinfo"));
        return (int) n;
    }

    /** Distinct (physical id, core id) pairs, else distinct sysfs core sibling lists, else the logical count. */
    private Integer physicalCores(int logical) throws IOException {
        Set<String> pairs = new HashSet<>();
        try {
            String physicalId = null;
            String coreId = null;
            for (String line : (readSmall(proc("cpuinfo")) + "\n\n").split("\n", -1)) {
                if (line.isBlank()) {
                    if (physicalId != null && coreId != null) pairs.add(physicalId + "/" + coreId);
                    physicalId = coreId = null;
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon).trim();
                if (key.equals("physical id")) physicalId = line.substring(colon + 1).trim();
                if (key.equals("core id")) coreId = line.substring(colon + 1).trim();
            }
        } catch (NoSuchFileException e) {
            // fine: sysfs or the logical count below
        }
        if (!pairs.isEmpty()) return pairs.size();
        // ARM boards (the Pi) print neither id in /proc/cpuinfo; sysfs knows the topology
        Set<String> siblings = new HashSet<>();
        Path cpus = root.resolve("sys/devices/system/cpu");
        if (Files.isDirectory(cpus)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cpus, "cpu[0-9]*")) {
                for (Path cpu : dirs) {
                    for (String name : List.of("core_cpus_list", "thread_siblings_list")) {
                        Path f = cpu.resolve("topology").resolve(name);
                        if (Files.isReadable(f)) {
                            siblings.add(readSmall(f).trim());
                            break;
                        }
                    }
                }
            }
        }
        return siblings.isEmpty() ? logical : siblings.size();
    }

    private Long bootTime(String stat) {
        String line = stat.lines().filter(l -> l.startsWith("btime")).findFirst()
                .orElseThrow(() -> malformed(proc("stat") + " has no 'btime' line"));
        String[] parts = line.trim().split("\\s+");
        if (parts.length != 2) throw malformed("unexpected 'btime' line in " + proc("stat") + ": " + abbreviate(line));
        return nonNegative(parts[1], "btime");
    }

    // ---- memory -------------------------------------------------------------------------------

    private HostMetrics.Memory memory() throws IOException {
        Path file = proc("meminfo");
        Map<String, Long> kb = new HashMap<>();
        for (String line : readSmall(file).split("\n")) {
            Matcher m = MEMINFO_LINE.matcher(line);
            if (m.matches()) kb.put(m.group(1), nonNegative(m.group(2), m.group(1)));
        }
        Long total = kb.get("MemTotal");
        Long free = kb.get("MemFree");
        if (total == null || free == null) throw malformed(file + " lacks MemTotal or MemFree");
        Long available = kb.get("MemAvailable");
        if (available == null) {
            // kernels before 3.14 have no MemAvailable; this is what they would have estimated
            available = free + kb.getOrDefault("Buffers", 0L) + kb.getOrDefault("Cached", 0L);
        }
        if (available > total || free > total) {
            throw malformed(file + " says more is available (" + available + " kB) or free (" + free
                    + " kB) than there is (" + total + " kB)");
        }
        if (total > Long.MAX_VALUE / 1024) throw malformed(file + " MemTotal of " + total + " kB overflows as bytes");
        long totalBytes = total * 1024L;
        long availableBytes = available * 1024L;
        return new HostMetrics.Memory(totalBytes, availableBytes, totalBytes - availableBytes, free * 1024L);
    }

    // ---- network ------------------------------------------------------------------------------

    private HostMetrics.Tcp tcp() throws IOException {
        long all = 0;
        long established = 0;
        boolean any = false;
        for (String name : List.of("tcp", "tcp6")) {
            Path file = proc("net").resolve(name);
            if (!Files.exists(file)) continue; // tcp6 is missing when IPv6 is disabled
            any = true;
            // streamed: a busy server has tens of thousands of lines
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                String header = in.readLine();
                if (header == null) continue; // no sockets and no header: an empty table
                if (!header.trim().startsWith("sl")) {
                    throw malformed(file + " does not start with the 'sl local_address ...' header: " + abbreviate(header));
                }
                for (String line; (line = in.readLine()) != null;) {
                    String[] parts = line.trim().split("\\s+", 5);
                    if (parts.length < 4) continue;
                    all++;
                    if (parts[3].equals("01")) established++;
                }
            }
        }
        return any ? new HostMetrics.Tcp(all, established) : null;
    }

    // ---- disks --------------------------------------------------------------------------------

    private List<HostMetrics.Disk> disks(Map<String, String> problems) throws IOException {
        Path mounts = proc("mounts");
        Set<String> nodev = nodevFilesystems();
        // the last mount on a mount point is the one visible there
        Map<String, String> typeByMount = new LinkedHashMap<>();
        for (String line : readSmall(mounts).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length < 3) continue;
            String device = parts[0];
            String mountPoint = unescape(parts[1]);
            String type = parts[2];
            if (!mountPoint.startsWith("/") || device.equals("none")) continue;
            if (VIRTUAL_FILESYSTEMS.contains(type) || type.startsWith("cgroup") || nodev.contains(type)) {
                typeByMount.remove(mountPoint);
                continue;
            }
            typeByMount.remove(mountPoint);
            typeByMount.put(mountPoint, type);
        }
        List<HostMetrics.Disk> disks = new ArrayList<>();
        for (String mountPoint : new TreeMap<>(typeByMount).keySet()) {
            Path path = root.resolve(mountPoint.substring(1)).normalize();
            if (!path.startsWith(root)) continue; // "/../.." in a hostile mounts file
            if (mountPoint.length() > dev.hearth.api.Reading.MAX_TAG_VALUE_LENGTH) {
                problems.merge("disk_usage", "mount point longer than " + dev.hearth.api.Reading.MAX_TAG_VALUE_LENGTH
                        + " characters skipped", (a, b) -> a + "; " + b);
                continue;
            }
            try {
                FileStore store = Files.getFileStore(path);
                long total = store.getTotalSpace();
                if (total <= 0) continue; // pseudo filesystems report no size
                long unallocated = store.getUnallocatedSpace();
                disks.add(new HostMetrics.Disk(mountPoint, total, Math.max(0, total - unallocated), store.getUsableSpace()));
            } catch (NoSuchFileException e) {
                LOG.debug("disk_usage: {} is listed in {} but not visible under {}", mountPoint, mounts, root);
            } catch (IOException | SecurityException e) {
                // one unreadable mount (a dead network share) does not hide the others
                LOG.debug("disk_usage: cannot stat {}: {}", mountPoint, e.toString());
            }
        }
        return disks;
    }

    /** Types /proc/filesystems marks "nodev" (no block device behind them), or none if it cannot be read. */
    private Set<String> nodevFilesystems() {
        Set<String> nodev = new HashSet<>();
        try {
            for (String line : readSmall(proc("filesystems")).split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals("nodev")) nodev.add(parts[1]);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("disk_usage: {} unreadable ({}); using the built-in list of virtual filesystems",
                    proc("filesystems"), e.toString());
        }
        nodev.remove("zfs"); // zfs is "nodev" yet holds data
        return nodev;
    }

    /** /proc/mounts writes space, tab, newline and backslash in mount points as octal escapes. */
    static String unescape(String field) {
        Matcher m = OCTAL_ESCAPE.matcher(field);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 8))));
        return m.appendTail(out).toString();
    }

    // ---- temperature --------------------------------------------------------------------------

    private Double cpuTemperature() throws IOException {
        Path source = temperatureSource();
        if (source == null) return null;
        String text = readSmall(source).trim();
        long milli;
        try {
            milli = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw malformed(source + " is not a number of millidegrees: '" + abbreviate(text) + "'");
        }
        double celsius = milli / 1000.0;
        if (celsius < -100 || celsius > 200) {
            throw malformed(source + " reads " + celsius + " °C, which no CPU survives; ignored");
        }
        return celsius;
    }

    /** A CPU thermal zone, else a CPU hwmon chip, else any hwmon temp1_input, else the first thermal zone. */
    private Path temperatureSource() throws IOException {
        List<Path> zones = numbered(root.resolve("sys/class/thermal"), "thermal_zone");
        for (String wanted : CPU_ZONE_TYPES) {
            for (Path zone : zones) {
                if (Files.isReadable(zone.resolve("temp")) && wanted.equals(readQuietly(zone.resolve("type")))) {
                    return zone.resolve("temp");
                }
            }
        }
        List<Path> chips = numbered(root.resolve("sys/class/hwmon"), "hwmon");
        Path anyChip = null;
        for (Path chip : chips) {
            Path input = chip.resolve("temp1_input");
            if (!Files.isReadable(input)) continue;
            if (CPU_HWMON_NAMES.contains(readQuietly(chip.resolve("name")))) return input;
            if (anyChip == null) anyChip = input;
        }
        if (anyChip != null) return anyChip;
        for (Path zone : zones) {
            if (Files.isReadable(zone.resolve("temp"))) return zone.resolve("temp");
        }
        return null;
    }

    /** Entries {@code <prefix>N} of a directory, by N. */
    private static List<Path> numbered(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        TreeMap<Long, Path> byNumber = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : entries) {
                String suffix = p.getFileName().toString().substring(prefix.length());
                if (suffix.matches("\\d{1,9}")) byNumber.put(Long.parseLong(suffix), p);
            }
        }
        return List.copyOf(byNumber.values());
    }

    private static String readQuietly(Path file) {
        try {
            return readSmall(file).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    // ---- load ---------------------------------------------------------------------------------

    private HostMetrics.Load load() throws IOException {
        Path file = proc("loadavg");
        String text = readSmall(file).trim();
        String[] parts = text.split("\\s+");
        if (parts.length < 3) throw malformed(file + " has fewer than three load averages: '" + abbreviate(text) + "'");
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            // strict: Double.parseDouble would take "NaN", "Infinity", "0x1p3" and "1d"
            if (!DECIMAL.matcher(parts[i]).matches()) {
                throw malformed(file + " field " + (i + 1) + " is not a load average: '" + abbreviate(parts[i]) + "'");
            }
            v[i] = Double.parseDouble(parts[i]);
        }
        return new HostMetrics.Load(v[0], v[1], v[2]);
    }

    // ---- files --------------------------------------------------------------------------------

    private Path proc(String name) {
        return root.resolve("proc").resolve(name);
    }

    /** Reads a whole small file; procfs reports size 0, so it is read to EOF with a cap. */
    static String readSmall(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) throw malformed(file + " is larger than " + MAX_FILE_BYTES + " bytes");
            // ISO-8859-1 maps every byte, so binary garbage cannot fail decoding
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private static long nonNegative(String text, String what) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw malformed(what + " is not a whole number: '" + abbreviate(text) + "'");
        }
        if (v < 0) throw malformed(what + " is negative: " + v);
        return v;
    }

    private static String abbreviate(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
    }
}
