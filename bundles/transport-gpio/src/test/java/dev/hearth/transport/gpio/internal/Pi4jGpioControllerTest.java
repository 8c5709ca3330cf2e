package dev.hearth.transport.gpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.transport.gpio.GpioException;
import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioOutput;
import dev.hearth.transport.gpio.GpioUnavailableException;

/**
 * What can run without GPIO hardware: this machine (and CI) has no /dev/gpiochip*, and the
 * gpio-sim kernel module is not available here, so the tests cover every refusal path up to the
 * native call, with real device nodes (/dev/null stands in for "a character device") where a
 * check looks at the file type.
 */
class Pi4jGpioControllerTest {

    @TempDir
    Path dev;

    @Test
    void noChipIsAClearErrorNamingTheDirectory() {
        Pi4jGpioController c = new Pi4jGpioController(new ChipProbe(dev), () -> true);
        GpioUnavailableException e = assertThrows(GpioUnavailableException.class, () -> c.openOutput(GpioLine.bcm(17), true, "dht22"));
        assertTrue(e.getMessage().startsWith("no GPIO chip: " + dev + " has no gpiochip* character device"), e.getMessage());
        assertTrue(e.getMessage().contains("GPIO17"), e.getMessage());
    }

    @Test
    void thisMachinesRealDevHasNoChipAndSaysSo() {
        assumeTrue(new ChipProbe(Path.of("/dev")).chips().isEmpty(), "this machine has GPIO chips");
        GpioUnavailableException e = assertThrows(GpioUnavailableException.class,
                () -> new Pi4jGpioController().openOutput(GpioLine.bcm(4), false, "test"));
        assertTrue(e.getMessage().startsWith("no GPIO chip: /dev has no gpiochip*"), e.getMessage());
    }

    @Test
    void regularFilesAndFifosNamedLikeChipsAreNotChips() throws Exception {
        Files.writeString(dev.resolve("gpiochip0"), "not a device");
        Path fifo = dev.resolve("gpiochip1");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        Files.createDirectory(dev.resolve("gpiochip2"));
        assertEquals(List.of(), new ChipProbe(dev).chips());
    }

    @Test
    void characterDevicesCountAsChipsAndAMissingNamedChipIsReported() throws IOException {
        Files.createSymbolicLink(dev.resolve("gpiochip0"), Path.of("/dev/null")); // udev's by-name links are symlinks too
        Files.createSymbolicLink(dev.resolve("gpiochipX"), Path.of("/dev/null"));
        ChipProbe probe = new ChipProbe(dev);
        assertEquals(List.of("gpiochip0"), probe.chips());
        GpioUnavailableException e = assertThrows(GpioUnavailableException.class, () -> probe.requireChip(new GpioLine("gpiochip4", 3)));
        assertTrue(e.getMessage().contains("gpiochip4") && e.getMessage().contains("[gpiochip0]"), e.getMessage());
    }

    @Test
    void aChipOtherThanTheMainOneIsRefusedBecausePi4jCannotAddressIt() throws Exception {
        Files.createSymbolicLink(dev.resolve("gpiochip0"), Path.of("/dev/null"));
        Pi4jGpioController c = new Pi4jGpioController(new ChipProbe(dev), () -> true);
        GpioUnavailableException e = assertThrows(GpioUnavailableException.class, () -> c.openOutput(new GpioLine("gpiochip0", 17), true, "x"));
        assertTrue(e.getMessage().contains("by BCM number") && e.getMessage().contains("GPIO17"), e.getMessage());
    }

    @Test
    void aBoardThatIsNotARaspberryPiIsRefusedBeforePi4jIsAsked() throws Exception {
        Files.createSymbolicLink(dev.resolve("gpiochip0"), Path.of("/dev/null"));
        Pi4jGpioController c = new Pi4jGpioController(new ChipProbe(dev), () -> false);
        GpioUnavailableException e = assertThrows(GpioUnavailableException.class, () -> c.openOutput(GpioLine.bcm(17), true, "x"));
        assertTrue(e.getMessage().contains("not recognised as one"), e.getMessage());
    }

    @Test
    void pi4jsOwnBoardDetectionRunsHereAndSaysThisIsNoPi() throws Exception {
        // loads Pi4J's embedded board detection for real (no native code): proves the classes link
        Files.createSymbolicLink(dev.resolve("gpiochip0"), Path.of("/dev/null"));
        assumeTrue(!Files.readString(Path.of("/proc/cpuinfo")).contains("Raspberry"), "running on a Pi");
        Pi4jGpioController c = new Pi4jGpioController(new ChipProbe(dev), () -> com.pi4j.boardinfo.util.BoardInfoHelper.runningOnRaspberryPi());
        assertThrows(GpioUnavailableException.class, () -> c.openOutput(GpioLine.bcm(17), true, "x"));
    }

    @Test
    void pi4jsContextIsBuiltWithTheExplicitProviderAndItsNoChipAnswerBecomesAClearError() throws Exception {
        // a real Pi4J context with the gpiod provider named explicitly (no ServiceLoader); on a board
        // that is not a Pi, Pi4J's gpiod context finds no chip, which must come out as a sentence
        Files.createSymbolicLink(dev.resolve("gpiochip0"), Path.of("/dev/null"));
        assumeTrue(!Files.readString(Path.of("/proc/cpuinfo")).contains("Raspberry"), "running on a Pi");
        Pi4jGpioController c = new Pi4jGpioController(new ChipProbe(dev), () -> true);
        try {
            GpioUnavailableException e = assertThrows(GpioUnavailableException.class, () -> c.openOutput(GpioLine.bcm(17), true, "x"));
            assertTrue(e.getMessage().contains("Pi4J found no GPIO chip labelled pinctrl-*"), e.getMessage());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void ioIdsAreShortPrintableAndPerLine() {
        assertEquals("hearth-dht22-garage-17", Pi4jGpioController.ioId("DHT22 garage", 17));
        assertEquals("hearth-4", Pi4jGpioController.ioId(null, 4));
        String id = Pi4jGpioController.ioId("a very long consumer name \u0000 with / slashes and more", 1023);
        assertTrue(id.length() <= 32 && id.matches("[a-z0-9._-]+"), id);
    }

    @Test
    void pulsesAreBoundedSoNoThreadIsHeldLong() {
        assertThrows(IllegalArgumentException.class, () -> Pulses.check(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Pulses.check(null));
        assertThrows(IllegalArgumentException.class, () -> Pulses.check(GpioOutput.MAX_PULSE.plusMillis(1)));
        Pulses.check(Duration.ZERO);
        Pulses.check(GpioOutput.MAX_PULSE);
    }

    @Test
    void aStoppedServiceRefuses() {
        Pi4jGpioController c = new Pi4jGpioController(new ChipProbe(dev), () -> true);
        c.deactivate();
        GpioException e = assertThrows(GpioException.class, () -> c.openOutput(GpioLine.bcm(1), true, "x"));
        assertFalse(e instanceof GpioUnavailableException);
    }
}
