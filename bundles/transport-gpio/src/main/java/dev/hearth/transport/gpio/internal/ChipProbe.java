package dev.hearth.transport.gpio.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioUnavailableException;

/**
 * Looks for GPIO character devices ({@code /dev/gpiochipN}) before any native code is touched,
 * so a machine without GPIO gets a sentence instead of a native-library or Pi4J stack trace.
 * No OSGi here.
 */
final class ChipProbe {

    /** S_IFMT and S_IFCHR from {@code <sys/stat.h>}: the file-type bits of {@code unix:mode}. */
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private final Path devDirectory;

    ChipProbe(Path devDirectory) {
        this.devDirectory = devDirectory;
    }

    Path devDirectory() {
        return devDirectory;
    }

    /** The names of the GPIO character devices present, sorted. */
    List<String> chips() {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(devDirectory, "gpiochip*")) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.matches("gpiochip[0-9]{1,3}") && isCharacterDevice(p)) found.add(name);
            }
        } catch (IOException e) {
            return List.of();
        }
        found.sort(null);
        return found;
    }

    /** A device node, not a regular file or FIFO someone left there (follows symbolic links, as udev makes them). */
    static boolean isCharacterDevice(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode");
            return mode instanceof Integer m && (m & S_IFMT) == S_IFCHR;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Fails with the reason when {@code line}'s chip (or, for the main chip, any chip) is absent. */
    void requireChip(GpioLine line) throws GpioUnavailableException {
        List<String> chips = chips();
        if (chips.isEmpty()) {
            throw new GpioUnavailableException("no GPIO chip: " + devDirectory + " has no gpiochip* character device, so " + line
                    + " cannot be driven (not a Raspberry Pi or similar board; in a container, pass the device, e.g. --device /dev/gpiochip0)");
        }
        if (!line.chip().isEmpty() && !chips.contains(line.chip())) {
            throw new GpioUnavailableException("no GPIO chip " + devDirectory.resolve(line.chip()) + " for " + line + "; present: " + chips);
        }
    }
}
