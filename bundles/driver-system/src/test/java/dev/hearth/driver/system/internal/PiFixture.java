package dev.hearth.driver.system.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A copy of src/test/resources/raspberry-pi-4 (a Pi 4's /proc and /sys) that a test may spoil. */
final class PiFixture {

    private PiFixture() {
    }

    static Path copyTo(Path target) throws IOException {
        Path source;
        try {
            source = Path.of(PiFixture.class.getResource("/raspberry-pi-4").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> all = Files.walk(source)) {
            all.forEach(p -> {
                Path to = target.resolve(source.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) Files.createDirectories(to);
                    else Files.copy(p, to);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return target;
    }

    static void write(Path root, String file, String content) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
    }
}
