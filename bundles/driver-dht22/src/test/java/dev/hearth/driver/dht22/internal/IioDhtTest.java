package dev.hearth.driver.dht22.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IioDhtTest {

    @TempDir
    Path tmp;
    FakeIio iio;

    @BeforeEach
    void tree() throws IOException {
        iio = new FakeIio(tmp.resolve("devices"));
        Files.createDirectories(iio.root);
    }

    private IioDht sensor(String select) {
        return new IioDht(iio.root, "dht11", select);
    }

    @Test
    void valuesAreScaledFromMilliUnits() throws Exception {
        iio.add(0, "dht11").values(0, 23_400, 45_600);
        IioDht.Sample s = sensor("").read(sensor("").locate().directory());
        assertEquals(23.4, s.celsius(), 1e-9);
        assertEquals(45.6, s.percent(), 1e-9);
        iio.values(0, -12_300, 100_000); // DHT22 sign bit: the kernel already made it negative
        s = sensor("").read(iio.device(0));
        assertEquals(-12.3, s.celsius(), 1e-9);
        assertEquals(100.0, s.percent(), 1e-9);
        iio.values(0, 0, 0);
        assertEquals(new IioDht.Sample(0, 0), sensor("").read(iio.device(0)));
    }

    @Test
    void findsTheDeviceByNameAmongOtherIioDevices() throws Exception {
        iio.add(0, "rp1-adc").add(1, "bme280").add(2, "dht11").values(2, 20_000, 50_000);
        Files.createDirectories(iio.root.resolve("trigger0")); // other sysfs entries are ignored
        assertEquals(iio.device(2), sensor("").locate().directory());
        // a plain directory (the simulator's tree) offers its own name only, not the root's
        assertEquals(List.of("iio:device2"), sensor("").locate().names());
    }

    @Test
    void severalSensorsLowestIndexUnlessSelectedByDirectoryLabelOfNodeOrParent() throws Exception {
        // as sysfs lays it out: the bus entry links to the platform device named after the overlay's node (dht11@<gpiopin>)
        Path sys = tmp.resolve("sys");
        for (int pin : new int[] {4, 17}) {
            Path real = sys.resolve("devices/platform/dht11@" + pin + "/iio:device" + (pin == 4 ? 10 : 3));
            Files.createDirectories(real);
            Files.writeString(real.resolve("name"), "dht11\n");
            Files.createSymbolicLink(iio.root.resolve(real.getFileName()), real);
        }
        Path ofNode = sys.resolve("firmware/devicetree/base/dht11@17");
        Files.createDirectories(ofNode);
        Files.createSymbolicLink(iio.root.resolve("iio:device3/of_node"), ofNode);
        Files.writeString(iio.root.resolve("iio:device10/label"), "garage\n");

        List<IioDht.Candidate> all = sensor("").candidates();
        assertEquals(List.of(3, 10), all.stream().map(IioDht.Candidate::index).toList()); // by number, not by name order
        assertEquals("iio:device3", sensor("").locate().directory().getFileName().toString());
        assertEquals("iio:device10", sensor("iio:device10").locate().directory().getFileName().toString());
        assertEquals("iio:device10", sensor("garage").locate().directory().getFileName().toString());
        assertEquals("iio:device10", sensor("dht11@4").locate().directory().getFileName().toString());
        assertEquals("iio:device3", sensor("dht11@17").locate().directory().getFileName().toString());
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("dht11@22").locate());
        assertEquals(ReadFailure.Kind.GONE, f.kind());
        assertTrue(f.getMessage().contains("select='dht11@22'") && f.getMessage().contains("dht11@4"), f.getMessage());
    }

    @Test
    void noSensorIsGoneWithAHintAboutTheOverlay() throws Exception {
        iio.add(0, "rp1-adc");
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("").locate());
        assertEquals(ReadFailure.Kind.GONE, f.kind());
        assertTrue(f.getMessage().contains("no IIO device named 'dht11'") && f.getMessage().contains("dtoverlay=dht11"), f.getMessage());
        f = assertThrows(ReadFailure.class, () -> new IioDht(tmp.resolve("no-such-dir"), "dht11", "").locate());
        assertEquals(ReadFailure.Kind.GONE, f.kind());
        assertTrue(f.getMessage().startsWith("no directory " + tmp.resolve("no-such-dir")), f.getMessage());
    }

    @Test
    void aNameFileThatIsAFifoIsSkippedNotWaitedOn() throws Exception {
        iio.add(0, "dht11").fifo(0, "name");
        iio.add(1, "dht11").values(1, 1, 1);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertEquals(iio.device(1), sensor("").locate().directory()));
    }

    @Test
    void aRealEioFromTheKernelIsClassifiedEio() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 40_000).eio(0, IioDht.TEMPERATURE);
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0)));
        assertEquals(ReadFailure.Kind.EIO, f.kind());
        assertTrue(f.getMessage().endsWith("Input/output error"), f.getMessage());
        iio.values(0, 20_000, 40_000).eio(0, IioDht.HUMIDITY); // the second read can fail too
        assertEquals(ReadFailure.Kind.EIO, assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0))).kind());
    }

    @Test
    void aMissingAttributeOrDeviceIsGone() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 40_000);
        Files.delete(iio.device(0).resolve(IioDht.HUMIDITY));
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0)));
        assertEquals(ReadFailure.Kind.GONE, f.kind());
        iio.remove(0);
        assertEquals(ReadFailure.Kind.GONE, assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0))).kind());
    }

    @Test
    void aFifoInPlaceOfAValueIsRefusedWithoutBlocking() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 40_000).fifo(0, IioDht.TEMPERATURE);
        ReadFailure f = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0))));
        assertEquals(ReadFailure.Kind.MALFORMED, f.kind());
        assertTrue(f.getMessage().contains("not a regular file"), f.getMessage());
    }

    @Test
    void aDirectoryInPlaceOfAValueIsMalformed() throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 40_000).directoryInstead(0, IioDht.HUMIDITY);
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0)));
        assertEquals(ReadFailure.Kind.MALFORMED, f.kind());
        assertTrue(f.getMessage().contains("directory"), f.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "abc\n", " 23400\n", "23400 \n", "23400\n\n", "23.4\n", "1e5\n", "+23400\n", "--1\n",
            "0x5B68\n", "23400\r\n", "\u0000\u0000\n", "99999999999\n", "-99999999999\n", "12345678901234567890\n", "١٢٣\n", "23400\n23400\n"})
    void malformedContentIsRefusedWithTheReason(String content) throws Exception {
        iio.add(0, "dht11").values(0, 20_000, 40_000).raw(0, IioDht.TEMPERATURE, content);
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0)));
        assertEquals(ReadFailure.Kind.MALFORMED, f.kind());
        assertTrue(f.getMessage().contains(IioDht.TEMPERATURE), f.getMessage());
        assertTrue(f.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '°'), "printable: " + f.getMessage());
    }

    @Test
    void oversizedContentIsRefusedAfterReadingOnlyAFewBytes() throws Exception {
        byte[] huge = new byte[4 << 20];
        Arrays.fill(huge, (byte) '7');
        iio.add(0, "dht11").values(0, 20_000, 40_000).raw(0, IioDht.HUMIDITY, huge);
        ReadFailure f = assertThrows(ReadFailure.class, () -> sensor("").read(iio.device(0)));
        assertEquals(ReadFailure.Kind.MALFORMED, f.kind());
        assertTrue(f.getMessage().contains("more than " + IioDht.MAX_ATTRIBUTE_BYTES + " bytes"), f.getMessage());
    }

    @Test
    void theKernelsWholeIntRangeParsesAndTruncatedNumbersParseAsWhatTheyAre() throws Exception {
        Path p = tmp.resolve("x");
        assertEquals(Integer.MAX_VALUE, IioDht.parse(p, (Integer.MAX_VALUE + "\n").getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Integer.MIN_VALUE, IioDht.parse(p, (Integer.MIN_VALUE + "").getBytes(StandardCharsets.US_ASCII)));
        assertThrows(ReadFailure.class, () -> IioDht.parse(p, "2147483648\n".getBytes(StandardCharsets.US_ASCII)));
        // a value cut short ("234" of "23400") is a valid integer: the plausibility check is what catches it
        assertEquals(234, IioDht.parse(p, "234".getBytes(StandardCharsets.US_ASCII)));
    }
}
