package dev.hearth.driver.dht22.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory shaped like {@code /sys/bus/iio/devices}: {@code iio:deviceN/name},
 * {@code in_temp_input}, {@code in_humidityrelative_input}. What a regular file cannot do, it
 * does with what the kernel really offers: {@code /proc/self/mem} read at offset 0 fails with a
 * real EIO ("Input/output error"), a FIFO never answers, a directory is not a value.
 */
final class FakeIio {

    final Path root;

    FakeIio(Path root) {
        this.root = root;
    }

    Path device(int index) {
        return root.resolve("iio:device" + index);
    }

    FakeIio add(int index, String name) throws IOException {
        Files.createDirectories(device(index));
        Files.writeString(device(index).resolve("name"), name + "\n");
        return this;
    }

    /** Writes both values as the kernel prints them ({@code %d\n}), each file replaced whole. */
    FakeIio values(int index, long milliCelsius, long milliPercent) throws IOException {
        raw(index, IioDht.TEMPERATURE, milliCelsius + "\n");
        raw(index, IioDht.HUMIDITY, milliPercent + "\n");
        return this;
    }

    FakeIio celsius(int index, double c, double rh) throws IOException {
        return values(index, Math.round(c * 10) * 100, Math.round(rh * 10) * 100);
    }

    FakeIio raw(int index, String attribute, String content) throws IOException {
        return raw(index, attribute, content.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    FakeIio raw(int index, String attribute, byte[] content) throws IOException {
        Path target = device(index).resolve(attribute);
        Path tmp = device(index).resolve("." + attribute + ".tmp");
        Files.write(tmp, content);
        Files.deleteIfExists(target); // may be a symlink or FIFO from an earlier step
        if (Files.isDirectory(target)) Files.delete(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return this;
    }

    /** The attribute fails with a real EIO from the kernel. */
    FakeIio eio(int index, String attribute) throws IOException {
        Path target = device(index).resolve(attribute);
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, Path.of("/proc/self/mem"));
        return this;
    }

    FakeIio fifo(int index, String attribute) throws IOException, InterruptedException {
        Path target = device(index).resolve(attribute);
        Files.deleteIfExists(target);
        Process p = new ProcessBuilder("mkfifo", target.toString()).start();
        if (p.waitFor() != 0) throw new IOException("mkfifo failed");
        return this;
    }

    FakeIio directoryInstead(int index, String attribute) throws IOException {
        Path target = device(index).resolve(attribute);
        Files.deleteIfExists(target);
        Files.createDirectory(target);
        return this;
    }

    FakeIio remove(int index) throws IOException {
        Path d = device(index);
        if (!Files.exists(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return this;
        if (Files.isSymbolicLink(d)) {
            Files.delete(d);
            return this;
        }
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        return this;
    }
}
