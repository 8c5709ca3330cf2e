package dev.hearth.driver.dht22.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.hearth.driver.dht22.internal.ReadFailure.Kind;

/**
 * The kernel's EIO and ETIMEDOUT reach Java as IOExceptions carrying strerror's text. EIO is
 * produced for real here (/proc/self/mem at offset 0); ETIMEDOUT cannot be produced by reading
 * any file on this machine, so its classification is tested on the message Java builds from it.
 */
class ReadFailureTest {

    @Test
    void javasOwnMessageForARealEioIsEio() {
        IOException real = null;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/mem"))) {
            in.readNBytes(8);
        } catch (IOException e) {
            real = e;
        }
        assertEquals("Input/output error", real.getMessage());
        assertEquals(Kind.EIO, ReadFailure.classify(real));
    }

    @Test
    void strerrorTextsOfGlibcAndMusl() {
        assertEquals(Kind.EIO, ReadFailure.classify(new IOException("Input/output error")));
        assertEquals(Kind.EIO, ReadFailure.classify(new IOException("I/O error")));
        assertEquals(Kind.TIMEOUT, ReadFailure.classify(new IOException("Connection timed out")));
        assertEquals(Kind.TIMEOUT, ReadFailure.classify(new IOException("Operation timed out")));
        assertEquals(Kind.GONE, ReadFailure.classify(new IOException("No such device")));
        assertEquals(Kind.ACCESS, ReadFailure.classify(new IOException("Permission denied")));
        assertEquals(Kind.MALFORMED, ReadFailure.classify(new IOException("Is a directory")));
        assertEquals(Kind.OTHER, ReadFailure.classify(new IOException("Resource temporarily unavailable")));
        assertEquals(Kind.OTHER, ReadFailure.classify(new IOException((String) null)));
        // the text must end the message: a path that merely contains the words is not the error
        assertEquals(Kind.OTHER, ReadFailure.classify(new IOException("/tmp/Input/output error/x: Bad file descriptor")));
    }

    @Test
    void openFailuresCarryTheReasonSeparately() {
        assertEquals(Kind.GONE, ReadFailure.classify(new NoSuchFileException("/sys/bus/iio/devices/iio:device0/in_temp_input")));
        assertEquals(Kind.ACCESS, ReadFailure.classify(new AccessDeniedException("/sys/x")));
        assertEquals(Kind.EIO, ReadFailure.classify(new FileSystemException("/sys/x", null, "Input/output error")));
        assertEquals(Kind.TIMEOUT, ReadFailure.classify(new FileSystemException("/sys/x", null, "Connection timed out")));
        assertEquals(Kind.OTHER, ReadFailure.classify(new FileSystemException("/sys/Connection timed out")));
    }

    @Test
    void onlyEioAndEtimedoutAreRetried() {
        for (Kind k : Kind.values()) {
            assertEquals(k == Kind.EIO || k == Kind.TIMEOUT, k.transientSensorError, k.name());
        }
        assertTrue(Kind.TIMEOUT.transientSensorError);
        assertFalse(Kind.GONE.transientSensorError);
    }
}
