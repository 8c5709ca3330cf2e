package dev.hearth.driver.sds011.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Sds011CodecTest {

    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    static byte[] hex(String s) {
        return HEX.parseHex(s.trim().toLowerCase());
    }

    private static List<String[]> documented() throws IOException {
        try (InputStream in = Sds011CodecTest.class.getResourceAsStream("frames/documented.txt")) {
            List<String[]> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] cols = line.split("\\|");
                rows.add(new String[] {cols[0].trim(), cols[1].trim(), cols[2].trim()});
            }
            return rows;
        }
    }

    @Test
    void decodesTheDocumentedDataFrame() throws Exception {
        Sds011Codec.Data d = (Sds011Codec.Data) Sds011Codec.decode(hex("AA C0 D4 04 3A 0A A1 60 1D AB"), 0);
        assertEquals(123.6, d.pm25(), 1e-9);
        assertEquals(261.8, d.pm10(), 1e-9);
        assertEquals("A160", Sds011Codec.idHex(d.sensorId()));
        assertArrayEquals(hex("AA C0 D4 04 3A 0A A1 60 1D AB"), Sds011Codec.data(1236, 2618, 0xA160));
    }

    @Test
    void encodesEveryDocumentedCommandWithItsChecksum() throws Exception {
        List<String[]> rows = documented();
        assertEquals(12, rows.size());
        for (String[] row : rows) {
            byte[] bytes = hex(row[1]);
            Sds011Codec.Frame f = Sds011Codec.decode(bytes, 0); // every documented frame passes its checksum
            switch (row[0]) {
                case "command" -> assertInstanceOf(Sds011Codec.Command.class, f, row[2]);
                case "reply" -> assertInstanceOf(Sds011Codec.Reply.class, f, row[2]);
                default -> assertInstanceOf(Sds011Codec.Data.class, f, row[2]);
            }
        }
        assertArrayEquals(hex(rows.get(1)[1]), Sds011Codec.setQueryMode(true));
        assertArrayEquals(hex(rows.get(2)[1]), Sds011Codec.setQueryMode(false));
        assertArrayEquals(hex(rows.get(3)[1]), Sds011Codec.queryData());
        assertArrayEquals(hex(rows.get(4)[1]), Sds011Codec.setWorking(false));
        assertArrayEquals(hex(rows.get(5)[1]), Sds011Codec.setWorking(true));
        assertArrayEquals(hex(rows.get(6)[1]), Sds011Codec.setWorkingPeriod(0));
        assertArrayEquals(hex(rows.get(7)[1]), Sds011Codec.setWorkingPeriod(5));
        assertArrayEquals(hex(rows.get(8)[1]), Sds011Codec.firmware());
        assertEquals(new Sds011Codec.Reply(7, 18, 11, 16, 0xA160), Sds011Codec.decode(hex(rows.get(11)[1]), 0));
    }

    @Test
    void workingPeriodChecksumIsSevenPlusN() {
        for (int n = 0; n <= 30; n++) assertEquals((byte) (7 + n), Sds011Codec.setWorkingPeriod(n)[17], "n=" + n);
        assertThrows(IllegalArgumentException.class, () -> Sds011Codec.setWorkingPeriod(31));
        assertThrows(IllegalArgumentException.class, () -> Sds011Codec.setWorkingPeriod(-1));
    }

    @Test
    void setDeviceIdCarriesTheNewIdInD11AndD12AndTheTargetAtTheEnd() throws Exception {
        byte[] f = Sds011Codec.setDeviceId(0xA160, 0xA001);
        assertEquals("AA B4 05 00 00 00 00 00 00 00 00 00 00 A0 01 A1 60 A7 AB", Sds011Codec.hex(f, 0, f.length));
        Sds011Codec.Command c = (Sds011Codec.Command) Sds011Codec.decode(f, 0);
        assertEquals(0xA0, c.d(11));
        assertEquals(0x01, c.d(12));
        assertEquals(0xA160, c.sensorId());
    }

    /** Every value a frame can carry, both fields, decoded from a frame built byte by byte here. */
    @Test
    void decodesTheWholeUnsignedRangeOfBothFields() throws Exception {
        for (int raw = 0; raw <= 0xFFFF; raw++) {
            int other = 0xFFFF - raw;
            byte[] f = {(byte) 0xAA, (byte) 0xC0, (byte) (raw & 0xFF), (byte) (raw >>> 8), (byte) (other & 0xFF), (byte) (other >>> 8), 0x12, 0x34, 0,
                (byte) 0xAB};
            int sum = 0;
            for (int i = 2; i <= 7; i++) sum += f[i] & 0xFF;
            f[8] = (byte) sum;
            Sds011Codec.Data d = (Sds011Codec.Data) Sds011Codec.decode(f, 0);
            assertEquals(raw / 10.0, d.pm25(), 1e-9);
            if (d.pm10() != other / 10.0) throw new AssertionError("pm10 of " + other + " decoded as " + d.pm10());
        }
    }

    @Test
    void valuesAbove25_5DoNotWrap() throws Exception {
        // the popular binding's (high << 8 & 0xFF) turned 25.6 into 0.0 and 999.9 into 0.7
        assertEquals(25.6, ((Sds011Codec.Data) Sds011Codec.decode(Sds011Codec.data(256, 0, 1), 0)).pm25(), 1e-9);
        assertEquals(999.9, ((Sds011Codec.Data) Sds011Codec.decode(Sds011Codec.data(9999, 9999, 1), 0)).pm10(), 1e-9);
        assertEquals(6553.5, ((Sds011Codec.Data) Sds011Codec.decode(Sds011Codec.data(0xFFFF, 0xFFFF, 1), 0)).pm25(), 1e-9);
        // a low byte with the top bit set is not negative
        assertEquals(12.8, ((Sds011Codec.Data) Sds011Codec.decode(Sds011Codec.data(0x80, 0, 1), 0)).pm25(), 1e-9);
    }

    @Test
    void refusesBadChecksumBadTailAndUnknownType() {
        byte[] good = hex("AA C0 D4 04 3A 0A A1 60 1D AB");
        byte[] badSum = good.clone();
        badSum[8] = 0x1E;
        assertEquals(Sds011Codec.Fault.BAD_CHECKSUM, assertThrows(Sds011Codec.BadFrameException.class, () -> Sds011Codec.decode(badSum, 0)).fault());
        byte[] badTail = good.clone();
        badTail[9] = (byte) 0xAC;
        assertEquals(Sds011Codec.Fault.BAD_TAIL, assertThrows(Sds011Codec.BadFrameException.class, () -> Sds011Codec.decode(badTail, 0)).fault());
        byte[] unknown = good.clone();
        unknown[1] = (byte) 0xC1;
        assertEquals(Sds011Codec.Fault.UNKNOWN_TYPE, assertThrows(Sds011Codec.BadFrameException.class, () -> Sds011Codec.decode(unknown, 0)).fault());
    }

    /** The checksum is a plain sum, but any one damaged byte of the payload or checksum still changes it. */
    @Test
    void everySingleDamagedByteIsRefused() {
        byte[] good = hex("AA C0 D4 04 3A 0A A1 60 1D AB");
        for (int i = 2; i <= 8; i++) {
            for (int delta = 1; delta < 256; delta++) {
                byte[] bad = good.clone();
                bad[i] = (byte) (bad[i] + delta);
                int at = i;
                assertThrows(Sds011Codec.BadFrameException.class, () -> Sds011Codec.decode(bad, 0), "byte " + at);
            }
        }
    }

    // ---- the frame reader: streams with garbage, splits and runs of frames ----

    @Test
    void findsFramesSplitAtEveryPointBetweenReads() {
        byte[] a = Sds011Codec.data(1236, 2618, 0xA160);
        byte[] b = Sds011Codec.reply(7, 18, 11, 16, 0xA160);
        byte[] both = concat(a, b);
        for (int cut = 0; cut <= both.length; cut++) {
            FrameReader r = new FrameReader(null);
            List<Sds011Codec.Frame> got = new ArrayList<>(r.feed(both, 0, cut));
            got.addAll(r.feed(both, cut, both.length - cut));
            assertEquals(2, got.size(), "cut at " + cut);
            assertEquals(123.6, ((Sds011Codec.Data) got.get(0)).pm25(), 1e-9);
            assertInstanceOf(Sds011Codec.Reply.class, got.get(1));
            assertEquals(0, r.skippedBytes());
        }
    }

    @Test
    void findsFramesFedOneByteAtATime() {
        FrameReader r = new FrameReader(null);
        byte[] stream = concat(Sds011Codec.data(1, 2, 3), Sds011Codec.queryData(), Sds011Codec.data(4, 5, 6));
        List<Sds011Codec.Frame> got = new ArrayList<>();
        for (byte b : stream) got.addAll(r.feed(new byte[] {b}, 0, 1));
        assertEquals(3, got.size());
        assertInstanceOf(Sds011Codec.Command.class, got.get(1));
        assertEquals(0.4, ((Sds011Codec.Data) got.get(2)).pm25(), 1e-9);
    }

    @Test
    void resynchronisesAfterGarbageStrayHeadsAndADamagedFrame() {
        List<String> faults = new ArrayList<>();
        FrameReader r = new FrameReader((f, m) -> faults.add(f + ": " + m));
        byte[] damaged = Sds011Codec.data(500, 600, 0xA160);
        damaged[4] ^= 0x10;
        byte[] stream = concat(hex("00 13 AA AA 7F AB AB AA"), damaged, hex("AA C0 01"), Sds011Codec.data(1236, 2618, 0xA160),
                hex("FF"), Sds011Codec.data(9999, 1, 0xA160));
        List<Sds011Codec.Frame> got = r.feed(stream, 0, stream.length);
        // "AA C0 01" + the next frame's first 7 bytes make a candidate with a wrong tail: refused, then the real frame is found
        assertEquals(2, got.size(), faults.toString());
        assertEquals(123.6, ((Sds011Codec.Data) got.get(0)).pm25(), 1e-9);
        assertEquals(999.9, ((Sds011Codec.Data) got.get(1)).pm25(), 1e-9);
        assertEquals(1, r.checksumErrors());
        assertTrue(r.malformedFrames() >= 1, faults.toString());
        assertTrue(faults.get(0).startsWith("BAD_CHECKSUM"), faults.toString());
    }

    @Test
    void aTruncatedFrameIsHeldThenDroppedOnReset() {
        FrameReader r = new FrameReader(null);
        byte[] f = Sds011Codec.data(1236, 2618, 0xA160);
        assertTrue(r.feed(f, 0, 6).isEmpty());
        assertEquals(6, r.pending());
        r.reset(); // the port was reopened: the rest never comes
        assertEquals(0, r.pending());
        assertEquals(1, r.feed(f, 0, f.length).size());
    }

    @Test
    void oversizedNoiseIsSkippedInBoundedMemoryAndFramesAfterItStillDecode() {
        Random random = new Random(42);
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        FrameReader r = new FrameReader(null);
        int found = 0;
        for (int i = 0; i < noise.length; i += 4096) {
            found += r.feed(noise, i, 4096).size();
            assertTrue(r.pending() <= Sds011Codec.COMMAND_LENGTH, "holds at most one frame");
        }
        // random bytes might, very rarely, form a valid frame; with this seed none does
        assertEquals(0, found);
        assertTrue(r.skippedBytes() > noise.length - 100);
        byte[] tail = concat(new byte[] {(byte) 0xAB, (byte) 0xAB}, Sds011Codec.data(42, 84, 7));
        List<Sds011Codec.Frame> got = r.feed(tail, 0, tail.length);
        assertEquals(1, got.size(), "r.pending before: " + r.pending());
        assertEquals(4.2, ((Sds011Codec.Data) got.get(0)).pm25(), 1e-9);
    }

    @Test
    void noiseMadeOfHeadsAndTailsOnly() {
        FrameReader r = new FrameReader(null);
        byte[] heads = new byte[5000];
        for (int i = 0; i < heads.length; i++) heads[i] = (byte) (i % 3 == 0 ? 0xAA : i % 3 == 1 ? 0xC0 : 0xAB);
        assertTrue(r.feed(heads, 0, heads.length).isEmpty());
        assertTrue(r.malformedFrames() > 100);
        byte[] f = Sds011Codec.data(7, 8, 9);
        // a partial candidate at the end of the noise may swallow the frame's start; two copies always get one through
        byte[] two = concat(f, f);
        assertTrue(r.feed(two, 0, two.length).size() >= 1);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
