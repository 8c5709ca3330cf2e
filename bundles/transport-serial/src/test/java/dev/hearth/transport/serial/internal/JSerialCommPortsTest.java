package dev.hearth.transport.serial.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.transport.serial.PortGoneException;
import dev.hearth.transport.serial.SerialPort;
import dev.hearth.transport.serial.SerialSettings;
import dev.hearth.testkit.SocatPair;

/** The real jSerialComm (and its x86_64 native library) against a socat pty pair. */
class JSerialCommPortsTest {

    @TempDir Path dir;
    private SocatPair pair;
    private final JSerialCommPorts ports = new JSerialCommPorts();

    @BeforeEach
    void plug() throws Exception {
        pair = new SocatPair(dir);
    }

    @AfterEach
    void unplug() throws Exception {
        pair.close();
    }

    @Test
    void bytesCrossThePairBothWaysAt9600_8N1() throws IOException {
        try (SerialPort a = ports.open(pair.device().toString(), SerialSettings.eightN1(9600));
                SerialPort b = ports.open(pair.peer().toString(), SerialSettings.eightN1(9600))) {
            assertEquals(pair.device().toString(), a.name());
            assertTrue(a.device().startsWith("/dev/pts/"), a.device());
            byte[] frame = {(byte) 0xAA, (byte) 0xC0, (byte) 0xD4, 0x04, 0x3A, 0x0A, (byte) 0xA1, 0x60, 0x1D, (byte) 0xAB};
            a.write(frame);
            assertArrayEquals(frame, readExactly(b, frame.length));
            b.write("back".getBytes(StandardCharsets.US_ASCII));
            assertEquals("back", new String(readExactly(a, 4), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aReadWithNothingToReadReturnsZeroAfterTheTimeout() throws IOException {
        try (SerialPort a = ports.open(pair.device().toString(), SerialSettings.eightN1(9600))) {
            assertEquals(0, a.read(new byte[16], 0, 16, Duration.ofMillis(100)));
            assertTrue(a.isOpen());
        }
    }

    @Test
    void discardInputDropsWhatArrivedBefore() throws Exception {
        try (SerialPort a = ports.open(pair.device().toString(), SerialSettings.eightN1(9600));
                SerialPort b = ports.open(pair.peer().toString(), SerialSettings.eightN1(9600))) {
            b.write("stale".getBytes(StandardCharsets.US_ASCII));
            // wait until it has arrived, without consuming it
            Thread.sleep(200);
            a.discardInput();
            b.write("fresh".getBytes(StandardCharsets.US_ASCII));
            assertEquals("fresh", new String(readExactly(a, 5), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aMissingPortIsGoneWithTheNamesPresent() {
        PortGoneException e = assertThrows(PortGoneException.class,
                () -> ports.open(dir.resolve("ttyNOTHERE").toString(), SerialSettings.eightN1(9600)));
        assertEquals(dir.resolve("ttyNOTHERE").toString(), e.port());
        assertTrue(e.getMessage().contains("not present"), e.getMessage());
    }

    @Test
    void anAbsentUsbIdentityIsGone() {
        assertThrows(PortGoneException.class, () -> ports.open("usb:dead:beef", SerialSettings.eightN1(9600)));
        assertThrows(IllegalArgumentException.class, () -> ports.open("usb:nothex:1", SerialSettings.eightN1(9600)));
    }

    @Test
    void unpluggingIsPortGoneOnReadAndWriteAndReplugOpensAgain() throws Exception {
        SerialPort a = ports.open(pair.device().toString(), SerialSettings.eightN1(9600));
        pair.unplug();
        PortGoneException e = assertThrows(PortGoneException.class, () -> a.read(new byte[10], 0, 10, Duration.ofMillis(200)));
        assertEquals(pair.device().toString(), e.port());
        assertFalse(a.isOpen());
        assertThrows(IOException.class, () -> a.write(new byte[] {1}));
        assertThrows(PortGoneException.class, () -> ports.open(pair.device().toString(), SerialSettings.eightN1(9600)));

        pair.plug();
        try (SerialPort again = ports.open(pair.device().toString(), SerialSettings.eightN1(9600));
                SerialPort b = ports.open(pair.peer().toString(), SerialSettings.eightN1(9600))) {
            b.write(new byte[] {42});
            assertArrayEquals(new byte[] {42}, readExactly(again, 1));
        }
    }

    @Test
    void aWriteAfterThePeerHungUpIsGone() throws Exception {
        SerialPort a = ports.open(pair.device().toString(), SerialSettings.eightN1(9600));
        pair.unplug();
        assertThrows(PortGoneException.class, () -> a.write(new byte[] {1, 2, 3}));
        assertFalse(a.isOpen());
        a.close(); // twice is harmless
    }

    @Test
    void closedPortsRefuseReads() throws IOException {
        SerialPort a = ports.open(pair.device().toString(), SerialSettings.eightN1(9600));
        a.close();
        IOException e = assertThrows(IOException.class, () -> a.read(new byte[1], 0, 1, Duration.ofMillis(10)));
        assertFalse(e instanceof PortGoneException);
    }

    @Test
    void availableListsRealDevicesOnly() {
        // the pty pair is not a serial device jSerialComm enumerates; the call must still work here
        assertFalse(ports.available().contains(pair.device().toString()));
    }

    private static byte[] readExactly(SerialPort port, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64];
        for (int tries = 0; out.size() < n && tries < 50; tries++) {
            int got = port.read(buf, 0, Math.min(buf.length, n - out.size()), Duration.ofMillis(100));
            out.write(buf, 0, got);
        }
        return Arrays.copyOf(out.toByteArray(), out.size());
    }
}
