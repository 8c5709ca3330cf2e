package dev.hearth.driver.kasa.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class KasaCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    /** The discovery/sysinfo request as python-kasa's XorTransport frames it (devices.md c: length, then XOR autokey from 171). */
    static final String SYSINFO_FRAME = "0000001d" + "d0f281f88bff9af7d5ef94b6d1b4c09fec95e68fe187e8caf08bf68bf6";
    static final String RELAY_ON_FRAME = "0000002a"
            + "d0f281f88bff9af7d5ef94b6c5a0d48bf99cf091e8b7c4b0d1a5c0e2d8a381f286e793f6d4eedfa2dfa2";

    /** HS110(EU) hardware 1.0: v1 meter field names (shape of python-kasa's fixture). */
    static final String HS110_V1_REPLY = "{\"system\":{\"get_sysinfo\":{\"err_code\":0,\"sw_ver\":\"1.2.5 Build 171213 Rel.101523\","
            + "\"hw_ver\":\"1.0\",\"type\":\"IOT.SMARTPLUGSWITCH\",\"model\":\"HS110(EU)\",\"mac\":\"50:C7:BF:00:00:01\","
            + "\"deviceId\":\"8006A110V1\",\"alias\":\"Kettle\",\"relay_state\":1,\"on_time\":42,\"feature\":\"TIM:ENE\",\"rssi\":-60}},"
            + "\"emeter\":{\"get_realtime\":{\"current\":5.4321,\"voltage\":231.456,\"power\":1234.5,\"total\":12.345,\"err_code\":0}}}";
    /** HS110(EU) hardware 4.0 / KP115: v2 field names in mW, mV, mA, Wh. */
    static final String HS110_V2_REPLY = "{\"system\":{\"get_sysinfo\":{\"err_code\":0,\"sw_ver\":\"1.0.4\",\"hw_ver\":\"4.0\","
            + "\"model\":\"HS110(EU)\",\"mac\":\"50:C7:BF:00:00:02\",\"deviceId\":\"8006A110V2\",\"alias\":\"Fridge\","
            + "\"relay_state\":0,\"feature\":\"TIM:ENE\"}},"
            + "\"emeter\":{\"get_realtime\":{\"current_ma\":5432,\"voltage_mv\":231456,\"power_mw\":1234500,\"total_wh\":12345,\"err_code\":0}}}";

    @Test
    void enciphersTheDocumentedRequestsByteForByte() {
        assertEquals(SYSINFO_FRAME, HEX.formatHex(KasaCodec.frame(KasaCodec.GET_SYSINFO)));
        assertEquals(RELAY_ON_FRAME, HEX.formatHex(KasaCodec.frame(KasaCodec.setRelay(true, List.of()))));
        // discovery: the same ciphertext without the length prefix
        assertEquals(SYSINFO_FRAME.substring(8), HEX.formatHex(KasaCodec.datagram(KasaCodec.GET_SYSINFO)));
        // the first byte is '{' (0x7b) XOR 171 (0xab)
        assertEquals((byte) 0xd0, KasaCodec.encrypt("{".getBytes(StandardCharsets.US_ASCII))[0]);
    }

    @Test
    void decipheringInvertsEncipheringForEveryByteValue() {
        byte[] all = new byte[512];
        for (int i = 0; i < all.length; i++) all[i] = (byte) (i * 7 + i / 256);
        assertArrayEquals(all, KasaCodec.decrypt(KasaCodec.encrypt(all)));
        assertEquals(KasaCodec.GET_SYSINFO, new String(KasaCodec.decrypt(HEX.parseHex(SYSINFO_FRAME.substring(8))), StandardCharsets.UTF_8));
        byte[] padded = HEX.parseHex("ffff" + SYSINFO_FRAME.substring(8));
        assertEquals(KasaCodec.GET_SYSINFO, new String(KasaCodec.decrypt(padded, 2, padded.length - 2), StandardCharsets.UTF_8));
    }

    @Test
    void readsAFramedReply() throws Exception {
        assertEquals(HS110_V1_REPLY, KasaCodec.readFrame(new ByteArrayInputStream(KasaCodec.frame(HS110_V1_REPLY))));
    }

    @Test
    void refusesBadLengthPrefixesAndTruncation() {
        assertThrows(EOFException.class, () -> KasaCodec.readFrame(new ByteArrayInputStream(new byte[0])));
        assertMalformed(new byte[] {0, 0}, "truncated in its length prefix");
        assertMalformed(HEX.parseHex("00000000"), "outside 1..65536");
        assertMalformed(HEX.parseHex("ffffffff"), "4294967295 (negative as a signed int)");
        assertMalformed(HEX.parseHex("00010001" + "d0"), "65537");
        assertMalformed(HEX.parseHex("7fffffff"), "outside");
        byte[] frame = KasaCodec.frame(HS110_V1_REPLY);
        byte[] cut = new byte[frame.length - 10];
        System.arraycopy(frame, 0, cut, 0, cut.length);
        assertMalformed(cut, "truncated: " + (frame.length - 14) + " of " + (frame.length - 4) + " bytes");
        // exactly the limit is accepted
        byte[] max = ByteBuffer.allocate(4 + KasaCodec.MAX_REPLY_BYTES).putInt(KasaCodec.MAX_REPLY_BYTES).array();
        assertEquals(KasaCodec.MAX_REPLY_BYTES, assertDoesNotThrowLength(max));
    }

    private static int assertDoesNotThrowLength(byte[] frame) {
        try {
            return KasaCodec.readFrame(new ByteArrayInputStream(frame)).length();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertMalformed(byte[] bytes, String expected) {
        MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> KasaCodec.readFrame(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void decodesSysinfoAndV1Meter() throws Exception {
        var reply = KasaCodec.parse(HS110_V1_REPLY);
        KasaSysinfo info = KasaCodec.sysinfo(reply);
        assertEquals(new KasaSysinfo("Kettle", "HS110(EU)", "1.0", "1.2.5 Build 171213 Rel.101523", "8006A110V1",
                "50:C7:BF:00:00:01", true, true, List.of()), info);
        assertEquals(new EmeterRealtime(1234.5, 231.456, 5.4321, 12.345), KasaCodec.realtime(reply));
    }

    @Test
    void normalisesV2MeterFieldsToTheSameUnits() throws Exception {
        var reply = KasaCodec.parse(HS110_V2_REPLY);
        EmeterRealtime rt = KasaCodec.realtime(reply);
        assertEquals(1234.5, rt.powerWatts(), 1e-9);
        assertEquals(231.456, rt.voltageVolts(), 1e-9);
        assertEquals(5.432, rt.currentAmps(), 1e-9);
        assertEquals(12.345, rt.energyKwh(), 1e-9);
        assertFalse(KasaCodec.sysinfo(reply).relayOn());
        // both variants in one reply: the unscaled field wins
        EmeterRealtime both = KasaCodec.realtime(KasaCodec.parse(
                "{\"emeter\":{\"get_realtime\":{\"power\":1.5,\"power_mw\":1500,\"voltage_mv\":230000,\"current\":0.01,\"total_wh\":0}}}"));
        assertEquals(new EmeterRealtime(1.5, 230.0, 0.01, 0.0), both);
    }

    @Test
    void decodesPowerStripChildren() throws Exception {
        KasaSysinfo info = KasaCodec.sysinfo(KasaCodec.parse("{\"system\":{\"get_sysinfo\":{\"model\":\"HS300(US)\",\"hw_ver\":\"1.0\","
                + "\"deviceId\":\"DEV\",\"alias\":\"Strip\",\"mic_type\":\"IOT.SMARTPLUGSWITCH\",\"feature\":\"TIM:ENE\",\"child_num\":2,"
                + "\"children\":[{\"id\":\"DEV00\",\"state\":0,\"alias\":\"Lamp\"},{\"id\":\"DEV01\",\"state\":1,\"alias\":\"\"}],\"err_code\":0}}}"));
        assertEquals(List.of(new KasaSysinfo.Outlet("DEV00", "Lamp", false), new KasaSysinfo.Outlet("DEV01", "", true)), info.outlets());
        assertEquals("01", info.outlets().get(1).slot());
        assertTrue(info.relayOn(), "a strip is on when any outlet is");
        assertEquals("00", new KasaSysinfo.Outlet("00", "", false).slot(), "UDP answers only the slot");
    }

    @Test
    void nonZeroErrCodeIsARefusal() throws Exception {
        DeviceRefusedException module = assertThrows(DeviceRefusedException.class, () -> KasaCodec.realtime(KasaCodec.parse(
                "{\"emeter\":{\"err_code\":-1,\"err_msg\":\"module not support\"}}")));
        assertEquals(-1, module.errCode());
        assertEquals("emeter refused by the plug: err_code -1 (module not support)", module.getMessage());
        DeviceRefusedException method = assertThrows(DeviceRefusedException.class, () -> KasaCodec.checkAnswered(KasaCodec.parse(
                "{\"system\":{\"set_relay_state\":{\"err_code\":-14,\"err_msg\":\"entry not exist\"}}}"), "system", "set_relay_state"));
        assertEquals(-14, method.errCode());
        KasaCodec.checkAnswered(KasaCodec.parse("{\"system\":{\"set_relay_state\":{\"err_code\":0}}}"), "system", "set_relay_state");
    }

    @Test
    void wrongJsonIsMalformedWithAReadableReason() {
        for (String bad : List.of("", "garbage", "[1,2]", "{\"system\":", "{\"system\":[]}", "{\"other\":{}}",
                "{\"system\":{\"get_sysinfo\":{\"children\":\"x\"}}}", "{\"system\":{\"get_sysinfo\":{\"err_code\":\"x\"}}}",
                "{\"system\":{\"get_sysinfo\":{\"relay_state\":\"on\"}}}")) {
            assertThrows(MalformedReplyException.class, () -> KasaCodec.sysinfo(KasaCodec.parse(bad)), bad);
        }
        for (String bad : List.of("{\"emeter\":{\"get_realtime\":{\"voltage\":1,\"current\":1,\"total\":1}}}",
                "{\"emeter\":{\"get_realtime\":{\"power\":\"12\",\"voltage\":1,\"current\":1,\"total\":1}}}",
                "{\"emeter\":{\"get_realtime\":{\"power\":null,\"voltage\":1,\"current\":1,\"total\":1}}}")) {
            MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> KasaCodec.realtime(KasaCodec.parse(bad)), bad);
            assertTrue(e.getMessage().contains("power"), e.getMessage());
        }
        MalformedReplyException e = assertThrows(MalformedReplyException.class, () -> KasaCodec.parse("x".repeat(10_000) + "\u0001"));
        assertTrue(e.getMessage().length() < 200, "a hostile reply is not repeated in full: " + e.getMessage().length());
    }

    @Test
    void buildsAddressedCommands() {
        assertEquals("{\"context\":{\"child_ids\":[\"DEV01\"]},\"system\":{\"set_relay_state\":{\"state\":0}}}",
                KasaCodec.setRelay(false, List.of("DEV01")));
        assertEquals("{\"context\":{\"child_ids\":[\"DEV\\\"01\"]},\"emeter\":{\"get_realtime\":{}}}", KasaCodec.getRealtime("DEV\"01"));
        assertEquals("{\"emeter\":{\"get_realtime\":{}}}", KasaCodec.getRealtime(null));
    }

    @Test
    void recognisesAKlapHandshakeAnswer() {
        assertTrue(KlapProbe.isHandshake1Answer("HTTP/1.1 200 OK\r\nSet-Cookie: TP_SESSIONID=ABC;TIMEOUT=86400\r\n\r\n" + "x".repeat(48)));
        assertTrue(KlapProbe.isHandshake1Answer("HTTP/1.1 200 OK\r\nContent-Length: 48\r\n\r\n" + "x".repeat(48)));
        assertFalse(KlapProbe.isHandshake1Answer("HTTP/1.1 404 Not Found\r\n\r\n"));
        assertFalse(KlapProbe.isHandshake1Answer("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>router</html>"));
        assertFalse(KlapProbe.isHandshake1Answer("garbage"));
    }
}
