package dev.hearth.driver.ibbq.internal;

import static dev.hearth.driver.ibbq.internal.IbbqCodec.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.hearth.driver.ibbq.internal.IbbqCodec.MalformedFrameException;

class IbbqCodecTest {

    @Test
    void commandBytesAreTheDocumentedOnes() {
        assertArrayEquals(hex("21 07 06 05 04 03 02 01 B8 22 00 00 00 00 00"), IbbqCodec.login());
        assertArrayEquals(hex("0B 01 00 00 00 00"), IbbqCodec.enableRealtime());
        assertArrayEquals(hex("02 00 00 00 00 00"), IbbqCodec.unit(false));
        assertArrayEquals(hex("02 01 00 00 00 00"), IbbqCodec.unit(true));
        assertArrayEquals(hex("08 24 00 00 00 00"), IbbqCodec.batteryRequest());
    }

    @Test
    void commandsAreCopiesSoACallerCannotCorruptThem() {
        IbbqCodec.login()[0] = 0;
        assertEquals(0x21, IbbqCodec.login()[0]);
    }

    @Test
    void uuidsAreTheFff0Family() {
        assertEquals(UUID.fromString("0000fff0-0000-1000-8000-00805f9b34fb"), IbbqCodec.SERVICE);
        assertEquals(UUID.fromString("0000fff4-0000-1000-8000-00805f9b34fb"), IbbqCodec.REALTIME);
        assertEquals(UUID.fromString("0000fff2-0000-1000-8000-00805f9b34fb"), IbbqCodec.ACCOUNT);
    }

    @Test
    void targetIsProbeThenLowAndHighInTenthsLittleEndian() {
        // probe 1 (0-based), low -25.0 °C = -250 = 0xFF06, high 95.0 °C = 950 = 0x03B6
        assertArrayEquals(hex("01 01 06 FF B6 03"), IbbqCodec.target(1, -25.0, 95.0));
        assertArrayEquals(hex("01 05 00 00 A0 0F"), IbbqCodec.target(5, 0, 400.0));
        assertArrayEquals(hex("01 00 64 00 65 00"), IbbqCodec.target(0, 10.0, 10.1));
    }

    @Test
    void targetRefusesBadProbesAndTemperatures() {
        assertThrows(IllegalArgumentException.class, () -> IbbqCodec.target(-1, 0, 50));
        assertThrows(IllegalArgumentException.class, () -> IbbqCodec.target(6, 0, 50));
        assertThrows(IllegalArgumentException.class, () -> IbbqCodec.target(0, 0, 400.1));
        assertThrows(IllegalArgumentException.class, () -> IbbqCodec.target(0, -30, 50));
        assertThrows(IllegalArgumentException.class, () -> IbbqCodec.target(0, 60, 50));
        assertThrows(IllegalArgumentException.class, () -> IbbqCodec.target(0, 0, Double.NaN));
    }

    /** pybq / eckbbqpi (GATT, FFF4): words of 0.1 °C, 65526 = no probe. Four probes, two absent. */
    @Test
    void pybqStyleFourProbeFrame() throws Exception {
        // 22.5 °C, absent, 107.0 °C, absent
        List<Double> p = IbbqCodec.probes(hex("E1 00 F6 FF 2E 04 F6 FF"));
        assertEquals(Arrays.asList(22.5, null, 107.0, null), p);
    }

    /** node-ibbq reads signed (allows below 0 °C); Home Assistant's 0xFFFF is "no probe". */
    @Test
    void signedValuesAndHomeAssistantUnplugged() throws Exception {
        // -30.0 °C = -300 = 0xFED4; -40.0 = 0xFE70; 0xFFFF absent; 0.0
        assertEquals(Arrays.asList(-30.0, -40.0, null, 0.0), IbbqCodec.probes(hex("D4 FE 70 FE FF FF 00 00")));
    }

    @Test
    void twoFourAndSixProbePayloads() throws Exception {
        assertEquals(List.of(25.0), IbbqCodec.probes(hex("FA 00")));
        assertEquals(List.of(25.0, 26.0), IbbqCodec.probes(hex("FA 00 04 01")));
        assertEquals(4, IbbqCodec.probes(hex("FA 00 04 01 0E 01 18 01")).size());
        assertEquals(List.of(25.0, 26.0, 27.0, 28.0, 29.0, 30.0), IbbqCodec.probes(hex("FA 00 04 01 0E 01 18 01 22 01 2C 01")));
    }

    @Test
    void wholeRawRange() {
        for (int raw = 0; raw <= 0xFFFF; raw++) {
            Double t = IbbqCodec.temperature(raw & 0xFF, raw >> 8);
            if (raw >= 0xFF00) {
                assertNull(t, "raw " + raw);
            } else if (raw < 0x8000) {
                assertEquals(raw / 10.0, t, 1e-9, "raw " + raw);
            } else {
                assertEquals((raw - 0x10000) / 10.0, t, 1e-9, "raw " + raw);
                assertTrue(t < -25.6 + 1e-9, "raw " + raw);
            }
        }
        assertEquals(3276.7, IbbqCodec.temperature(0xFF, 0x7F));
        assertEquals(-3276.8, IbbqCodec.temperature(0x00, 0x80));
        assertEquals(-25.7, IbbqCodec.temperature(0xFF, 0xFE));
        assertNull(IbbqCodec.temperature(0xF6, 0xFF));
        assertNull(IbbqCodec.temperature(0x00, 0xFF));
    }

    @Test
    void badRealtimePayloadsAreRefused() {
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.probes(new byte[0]));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.probes(null));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.probes(hex("FA")));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.probes(hex("FA 00 04")));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.probes(new byte[14]));
        MalformedFrameException e = assertThrows(MalformedFrameException.class, () -> IbbqCodec.probes(new byte[100_000]));
        assertTrue(e.getMessage().length() < 300, "a hostile frame is not echoed whole: " + e.getMessage().length());
    }

    @Test
    void batteryReplyFollowsPybq() throws Exception {
        // current 6000, max 6550 (0x1996) -> 91.6 %
        IbbqCodec.Battery b = IbbqCodec.battery(hex("24 70 17 96 19 00"));
        assertEquals(6000, b.current());
        assertEquals(6550, b.max());
        assertEquals(91.6, b.percent());
        // max 0 -> 6580 (pybq/eckbbqpi): 3290/6580 = 50 %
        assertEquals(50.0, IbbqCodec.battery(hex("24 DA 0C 00 00")).percent());
        // current above max: held at 100
        assertEquals(100.0, IbbqCodec.battery(hex("24 FF FF 10 00 00")).percent());
        assertEquals(0.0, IbbqCodec.battery(hex("24 00 00 96 19 00")).percent());
    }

    @Test
    void unknownOrShortSettingsResultsAreRefused() {
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.battery(new byte[0]));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.battery(hex("FF 70 17 96 19 00")));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.battery(hex("24 70 17 96")));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.battery(new byte[4096]));
        byte[] big = new byte[4096];
        big[0] = 0x24;
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.battery(big));
    }

    /**
     * Theengs' IBT-4XS layout counts from the company id: "0000" + 2 bytes + MAC + probes at byte 10,
     * 18 bytes. BlueZ hands over the bytes after the company id, so probes start at byte 8.
     */
    @Test
    void advertisementLikeTheengs() throws Exception {
        byte[] theengs = hex("0000 0000 A4C138112233 E100 F6FF 2E04 FFFF");
        assertEquals(18, theengs.length);
        byte[] bluez = Arrays.copyOfRange(theengs, 2, theengs.length);
        assertEquals(Arrays.asList(22.5, null, 107.0, null), IbbqCodec.advertisedProbes(bluez));
        assertEquals("a4:c1:38:11:22:33", IbbqCodec.advertisedMac(bluez));
        // 2 and 6 probes
        assertEquals(List.of(20.0, -30.0), IbbqCodec.advertisedProbes(hex("0000 A4C138112233 C800 D4FE")));
        assertEquals(6, IbbqCodec.advertisedProbes(hex("0000 A4C138112233 C800 C800 C800 C800 C800 C800")).size());
    }

    @Test
    void garbageAdvertisementsAreRefused() {
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.advertisedProbes(null));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.advertisedProbes(new byte[0]));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.advertisedProbes(hex("0000 A4C138112233")));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.advertisedProbes(hex("0000 A4C138112233 C8")));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.advertisedProbes(new byte[8 + 14]));
        assertThrows(MalformedFrameException.class, () -> IbbqCodec.advertisedProbes(new byte[65_000]));
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButMalformed() {
        Random r = new Random(4);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            r.nextBytes(b);
            for (Decoder d : List.<Decoder>of(IbbqCodec::probes, IbbqCodec::battery, IbbqCodec::advertisedProbes)) {
                try {
                    d.decode(b);
                } catch (MalformedFrameException expected) {
                    // counted and skipped by the driver
                }
            }
        }
    }

    interface Decoder {
        Object decode(byte[] b) throws MalformedFrameException;
    }
}
