package dev.hearth.driver.dht22.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Linux IIO {@code dht11} driver's sysfs interface, with no OSGi in it: finds the sensor's
 * {@code iio:deviceN} directory and reads {@code in_temp_input} (milli-°C) and
 * {@code in_humidityrelative_input} (milli-%RH). Every read is one attribute file opened, at
 * most {@link #MAX_ATTRIBUTE_BYTES} read, closed; the kernel performs the sensor transaction on
 * the first read and serves the second from its 2-second cache.
 */
class IioDht {

    static final String TEMPERATURE = "in_temp_input";
    static final String HUMIDITY = "in_humidityrelative_input";
    /** A kernel integer attribute is at most 11 characters and a newline; more is not from the kernel. */
    static final int MAX_ATTRIBUTE_BYTES = 24;
    private static final Pattern DEVICE_DIR = Pattern.compile("iio:device([0-9]{1,6})");
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");

    /** One reading, in the kernel's units. */
    record Sample(long milliCelsius, long milliPercent) {
        double celsius() {
            return milliCelsius / 1000.0;
        }

        double percent() {
            return milliPercent / 1000.0;
        }
    }

    /** A matching device directory and the names it can be selected by. */
    record Candidate(Path directory, int index, List<String> names) {
    }

    private final Path root;
    private final String name;
    private final String select;

    /**
     * @param root {@code /sys/bus/iio/devices}, or a tree shaped like it
     * @param name the driver name in each device's {@code name} file ({@code dht11})
     * @param select empty, or which device when several match: its directory ({@code iio:device1}),
     *        its {@code label}, its {@code of_node} name or its parent device ({@code dht11@4}: the overlay's gpiopin)
     */
    IioDht(Path root, String name, String select) {
        this.root = root;
        this.name = name;
        this.select = select == null ? "" : select.trim();
    }

    Path root() {
        return root;
    }

    /** All devices whose {@code name} is this driver's, lowest index first. */
    List<Candidate> candidates() throws ReadFailure {
        List<Candidate> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                var m = DEVICE_DIR.matcher(d.getFileName().toString());
                if (!m.matches()) continue;
                String n = readSmall(d.resolve("name"));
                if (n == null || !n.strip().equals(name)) continue;
                found.add(new Candidate(d, Integer.parseInt(m.group(1)), selectorsOf(d, root)));
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
            throw new ReadFailure(ReadFailure.Kind.GONE, "no directory " + root + " (no IIO devices at all: is the industrialio "
                    + "module loaded, and in a container, is /sys mounted?)", e);
        } catch (IOException e) {
            throw new ReadFailure(ReadFailure.Kind.GONE, "cannot list " + root + ": " + e, e);
        }
        found.sort(Comparator.comparingInt(Candidate::index));
        return found;
    }

    /** The device to read, or a failure of kind GONE saying what was looked for and what exists. */
    Candidate locate() throws ReadFailure {
        List<Candidate> all = candidates();
        if (all.isEmpty()) {
            throw new ReadFailure(ReadFailure.Kind.GONE, "no IIO device named '" + name + "' under " + root
                    + " (is dtoverlay=dht11,gpiopin=N in /boot/firmware/config.txt, and the sensor wired?)");
        }
        if (select.isEmpty()) return all.get(0);
        for (Candidate c : all) if (c.names().contains(select)) return c;
        throw new ReadFailure(ReadFailure.Kind.GONE, "no IIO device named '" + name + "' matches select='" + select + "' under " + root
                + "; found " + all.stream().map(c -> String.join("/", c.names())).toList());
    }

    private static List<String> selectorsOf(Path d, Path root) {
        List<String> names = new ArrayList<>();
        names.add(d.getFileName().toString());
        String label = readSmall(d.resolve("label"));
        if (label != null && !label.isBlank()) names.add(label.strip());
        try {
            Path ofNode = d.resolve("of_node");
            if (Files.isSymbolicLink(ofNode)) names.add(Files.readSymbolicLink(ofNode).getFileName().toString());
            // sysfs: /sys/bus/iio/devices/iio:device0 -> ../../../devices/platform/dht11@4/iio:device0
            Path parent = d.toRealPath().getParent();
            if (parent != null && parent.getFileName() != null && !parent.equals(root.toRealPath())) names.add(parent.getFileName().toString());
        } catch (IOException e) {
            // selection by these names is then unavailable; the directory name still works
        }
        return List.copyOf(names);
    }

    private static String readSmall(Path p) {
        if (!Files.isRegularFile(p)) return null; // never open a FIFO someone left in the tree
        try {
            return new String(readBounded(p), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads temperature, then humidity, from {@code device}. */
    Sample read(Path device) throws ReadFailure {
        long t = readMilli(device.resolve(TEMPERATURE));
        long h = readMilli(device.resolve(HUMIDITY));
        return new Sample(t, h);
    }

    /** One integer attribute, e.g. {@code 23400\n}. */
    static long readMilli(Path attribute) throws ReadFailure {
        byte[] raw;
        try {
            BasicFileAttributes a = Files.readAttributes(attribute, BasicFileAttributes.class);
            // sysfs attributes are regular files; a FIFO would block this thread until someone writes to it
            if (!a.isRegularFile()) {
                throw new ReadFailure(ReadFailure.Kind.MALFORMED, attribute + " is not a regular file"
                        + (a.isDirectory() ? " but a directory" : ""));
            }
            raw = readBounded(attribute);
        } catch (IOException e) {
            ReadFailure.Kind kind = ReadFailure.classify(e);
            String why = e instanceof FileSystemException f ? (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason()) : e.getMessage();
            throw new ReadFailure(kind, "reading " + attribute + ": " + why, e);
        }
        return parse(attribute, raw);
    }

    /** Parses the kernel's {@code %d\n}; refuses anything else. */
    static long parse(Path attribute, byte[] raw) throws ReadFailure {
        if (raw.length > MAX_ATTRIBUTE_BYTES) {
            throw new ReadFailure(ReadFailure.Kind.MALFORMED, attribute + " holds more than " + MAX_ATTRIBUTE_BYTES + " bytes");
        }
        String s = new String(raw, StandardCharsets.US_ASCII);
        if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
        if (!INTEGER.matcher(s).matches()) {
            throw new ReadFailure(ReadFailure.Kind.MALFORMED, attribute + " holds "
                    + (s.isEmpty() ? "nothing" : "'" + s.replaceAll("[^\\x20-\\x7e]", "?") + "'") + ", not an integer");
        }
        long v = Long.parseLong(s);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new ReadFailure(ReadFailure.Kind.MALFORMED, attribute + " holds " + s + ", outside the kernel's int range");
        }
        return v;
    }

    private static byte[] readBounded(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(MAX_ATTRIBUTE_BYTES + 1);
        }
    }
}
