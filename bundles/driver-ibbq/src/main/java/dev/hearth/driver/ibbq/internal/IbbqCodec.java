package dev.hearth.driver.ibbq.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import dev.hearth.transport.ble.BleUuids;

/**
 * The iBBQ protocol as bytes, no OSGi and no BLE in here. Sources: ../shared/reference/devices.md
 * section a (pybq, go-ibbq, node-ibbq, Adafruit, ESPHome, Home Assistant, Theengs).
 *
 * <p>Temperatures are signed 16-bit little-endian tenths of °C (node-ibbq and Home Assistant read
 * them signed, which keeps sub-zero values; the others read unsigned). A raw value of {@code 0xFFF6}
 * (pybq, eckbbqpi) or anything at or above {@code 0xFF00} (Theengs' advertisement rule; covers
 * Home Assistant's {@code 0xFFFF}) means "no probe". The price: −0.1 to −25.6 °C cannot be told
 * from an unplugged probe and read as unplugged.
 */
public final class IbbqCodec {

    public static final UUID SERVICE = BleUuids.of16(0xFFF0);
    /** Notify: settings results (battery). */
    public static final UUID SETTINGS_RESULT = BleUuids.of16(0xFFF1);
    /** Write: login. */
    public static final UUID ACCOUNT = BleUuids.of16(0xFFF2);
    /** Notify: real-time probe data. */
    public static final UUID REALTIME = BleUuids.of16(0xFFF4);
    /** Write: commands. */
    public static final UUID SETTINGS = BleUuids.of16(0xFFF5);

    /** Names iBBQ units advertise; matched exactly, as pybq, go-ibbq and node-ibbq do. */
    public static final List<String> NAMES = List.of("iBBQ", "xBBQ");
    /** The most probes a unit has (IBT-6XS). */
    public static final int MAX_PROBES = 6;
    /** pybq's stand-in when the device reports a maximum battery voltage of 0. */
    public static final int DEFAULT_MAX_VOLTAGE = 6580;
    /** Lowest and highest target accepted: below the no-probe range, and above any probe's rating. */
    public static final double MIN_TARGET_C = -25.0;
    public static final double MAX_TARGET_C = 400.0;

    private static final byte[] LOGIN = hex("2107060504030201b82200000000 00");
    private static final byte[] ENABLE_REALTIME = hex("0b0100000000");
    private static final byte[] UNIT_CELSIUS = hex("020000000000");
    private static final byte[] UNIT_FAHRENHEIT = hex("020100000000");
    private static final byte[] BATTERY_REQUEST = hex("082400000000");
    private static final int BATTERY_REPLY = 0x24;

    private IbbqCodec() {
    }

    /** Written to FFF2 right after connecting; without it the device ignores commands. */
    public static byte[] login() {
        return LOGIN.clone();
    }

    /** Written to FFF5: start real-time data on FFF4 (about 1 Hz). */
    public static byte[] enableRealtime() {
        return ENABLE_REALTIME.clone();
    }

    /** Written to FFF5: the display unit. The data stays in °C either way. */
    public static byte[] unit(boolean fahrenheit) {
        return (fahrenheit ? UNIT_FAHRENHEIT : UNIT_CELSIUS).clone();
    }

    /** Written to FFF5: asks for the battery reply on FFF1. */
    public static byte[] batteryRequest() {
        return BATTERY_REQUEST.clone();
    }

    /**
     * Written to FFF5: the alarm range of one probe, {@code 01 <probe> <low int16 LE> <high int16 LE>}
     * in tenths of °C.
     *
     * @param probe 0-based
     */
    public static byte[] target(int probe, double lowC, double highC) {
        if (probe < 0 || probe >= MAX_PROBES) throw new IllegalArgumentException("probe must be 0.." + (MAX_PROBES - 1) + ", is " + probe);
        short low = tenths(lowC);
        short high = tenths(highC);
        if (low > high) throw new IllegalArgumentException("low " + lowC + " °C is above high " + highC + " °C");
        return new byte[] { 0x01, (byte) probe, (byte) low, (byte) (low >> 8), (byte) high, (byte) (high >> 8) };
    }

    private static short tenths(double celsius) {
        if (!Double.isFinite(celsius) || celsius < MIN_TARGET_C || celsius > MAX_TARGET_C) {
            throw new IllegalArgumentException("target must be within " + MIN_TARGET_C + ".." + MAX_TARGET_C + " °C, is " + celsius);
        }
        return (short) Math.round(celsius * 10);
    }

    /**
     * The probes of one real-time notification (FFF4): one entry per 2 bytes, {@code null} for a
     * probe that is not plugged in.
     *
     * @throws MalformedFrameException empty, odd length, or more than {@link #MAX_PROBES} probes
     */
    public static List<Double> probes(byte[] payload) throws MalformedFrameException {
        if (payload == null || payload.length == 0) throw new MalformedFrameException("empty real-time notification");
        if (payload.length % 2 != 0) throw new MalformedFrameException("real-time notification of odd length " + payload.length + ": " + show(payload));
        if (payload.length > 2 * MAX_PROBES) {
            throw new MalformedFrameException("real-time notification of " + payload.length + " bytes, more than " + MAX_PROBES + " probes: " + show(payload));
        }
        return words(payload, 0, payload.length / 2);
    }

    /** One raw 16-bit value as °C, or {@code null} for "no probe". */
    public static Double temperature(int lo, int hi) {
        int raw = (lo & 0xFF) | (hi & 0xFF) << 8;
        if (raw >= 0xFF00) return null; // includes 0xFFF6
        return ((short) raw) / 10.0;
    }

    private static List<Double> words(byte[] b, int from, int count) {
        List<Double> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(temperature(b[from + 2 * i], b[from + 2 * i + 1]));
        return out;
    }

    /** A battery reply: raw voltages as the device sends them, and the percentage derived from them. */
    public record Battery(int current, int max, double percent) {
    }

    /**
     * Decodes a settings result (FFF1). Only the battery reply ({@code 24 <cur u16 LE> <max u16 LE> …})
     * is understood.
     *
     * <p>Percent = 100 × current ÷ max, with max 0 replaced by 6580 and the result held to 0..100.
     * That is pybq's formula, the one the original BBQ-to-Elasticsearch script (eckbbqpi) posts as
     * {@code bbq_battery}; go-ibbq differs only in replacing max 0 by 65535, node-ibbq uses a voltage
     * table. The raw values are kept so the others can be recomputed.
     *
     * @throws MalformedFrameException not a battery reply, or too short
     */
    public static Battery battery(byte[] payload) throws MalformedFrameException {
        if (payload == null || payload.length == 0) throw new MalformedFrameException("empty settings result");
        if ((payload[0] & 0xFF) != BATTERY_REPLY) throw new MalformedFrameException("unknown settings result " + show(payload));
        if (payload.length < 5) throw new MalformedFrameException("battery reply of " + payload.length + " bytes, needs 5: " + show(payload));
        if (payload.length > 20) throw new MalformedFrameException("battery reply of " + payload.length + " bytes, too long: " + show(payload));
        int current = (payload[1] & 0xFF) | (payload[2] & 0xFF) << 8;
        int max = (payload[3] & 0xFF) | (payload[4] & 0xFF) << 8;
        int divisor = max == 0 ? DEFAULT_MAX_VOLTAGE : max;
        double percent = Math.min(100.0, 100.0 * current / divisor);
        return new Battery(current, max, Math.round(percent * 10) / 10.0);
    }

    /** The manufacturer id iBBQ units advertise under. */
    public static final int COMPANY_ID = 0x0000;
    /** In BlueZ's manufacturer data (after the company id): 2 bytes, the MAC, then the probes. */
    private static final int ADV_PROBES_AT = 8;

    /**
     * Probe temperatures from an advertisement's manufacturer data under company {@link #COMPANY_ID}
     * (the bytes after the company id): 2 bytes, the MAC (6 bytes), then one int16 LE per probe.
     * Theengs and Home Assistant count from the company id: probes from byte 10, 18 bytes for 4 probes.
     *
     * @throws MalformedFrameException too short, odd probe bytes, or more than {@link #MAX_PROBES} probes
     */
    public static List<Double> advertisedProbes(byte[] data) throws MalformedFrameException {
        if (data == null || data.length < ADV_PROBES_AT + 2) {
            throw new MalformedFrameException("manufacturer data of " + (data == null ? 0 : data.length) + " bytes, needs at least "
                    + (ADV_PROBES_AT + 2) + ": " + show(data));
        }
        int probeBytes = data.length - ADV_PROBES_AT;
        if (probeBytes % 2 != 0 || probeBytes > 2 * MAX_PROBES) {
            throw new MalformedFrameException("manufacturer data of " + data.length + " bytes is no iBBQ layout: " + show(data));
        }
        return words(data, ADV_PROBES_AT, probeBytes / 2);
    }

    /** The MAC carried in the advertisement, as sent (bytes 2..7), in hex; for logs. */
    static String advertisedMac(byte[] data) {
        return data == null || data.length < ADV_PROBES_AT ? "" : HexFormat.ofDelimiter(":").formatHex(data, 2, ADV_PROBES_AT);
    }

    /** At most 32 bytes in hex, for error messages about hostile input. */
    static String show(byte[] b) {
        if (b == null) return "null";
        String h = HexFormat.of().formatHex(Arrays.copyOf(b, Math.min(b.length, 32)));
        return b.length > 32 ? h + "…(" + b.length + " bytes)" : h;
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A notification or advertisement that is not what the protocol allows: counted and skipped. */
    public static final class MalformedFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedFrameException(String message) {
            super(message);
        }
    }
}
