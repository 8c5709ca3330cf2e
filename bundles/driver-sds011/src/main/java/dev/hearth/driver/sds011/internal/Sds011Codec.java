package dev.hearth.driver.sds011.internal;

import java.util.HexFormat;

/**
 * SDS011 frames, bytes to values and back; no I/O, no OSGi. Layouts (Nova protocol V1.3):
 * <ul>
 * <li>data, 10 bytes: {@code AA C0 P25L P25H P10L P10H ID1 ID2 CS AB}, PM = (H·256 + L) / 10 µg/m³;</li>
 * <li>reply, 10 bytes: {@code AA C5 cmd b3 b4 b5 ID1 ID2 CS AB};</li>
 * <li>command, 19 bytes: {@code AA B4 cmd d1…d12 ID1 ID2 CS AB}.</li>
 * </ul>
 * CS is the sum of the bytes between the type byte and CS, modulo 256.
 */
public final class Sds011Codec {

    public static final int HEAD = 0xAA;
    public static final int TAIL = 0xAB;
    public static final int DATA = 0xC0;
    public static final int REPLY = 0xC5;
    public static final int COMMAND = 0xB4;
    public static final int SHORT_LENGTH = 10;
    public static final int COMMAND_LENGTH = 19;
    /** Addresses every sensor on the line. */
    public static final int ALL_SENSORS = 0xFFFF;

    // command codes (byte 2 of a command, echoed in byte 2 of its reply)
    public static final int CMD_REPORTING_MODE = 0x02;
    public static final int CMD_QUERY_DATA = 0x04;
    public static final int CMD_SET_ID = 0x05;
    public static final int CMD_SLEEP_WORK = 0x06;
    public static final int CMD_FIRMWARE = 0x07;
    public static final int CMD_WORKING_PERIOD = 0x08;

    private Sds011Codec() {
    }

    /** A frame read from the line. */
    public sealed interface Frame permits Data, Reply, Command {
        /** The sensor's 16-bit id, {@code ID1 ID2} as a big-endian number (shown as 4 hex digits). */
        int sensorId();
    }

    /** A measurement: raw tenths of µg/m³, unsigned 16-bit. */
    public record Data(int pm25Tenths, int pm10Tenths, int sensorId) implements Frame {
        public double pm25() { return pm25Tenths / 10.0; }
        public double pm10() { return pm10Tenths / 10.0; }
    }

    /** A reply to a command: its code and three payload bytes. */
    public record Reply(int command, int b3, int b4, int b5, int sensorId) implements Frame {
    }

    /** A command (what the gateway sends; the simulator and test peers read these). */
    public record Command(int command, byte[] data, int sensorId) implements Frame {
        public int d(int i) { return data[i - 1] & 0xFF; } // d1..d12, as the protocol numbers them
    }

    // ---- encoding ----

    /** A 19-byte command frame with its checksum; {@code data} is d1… (up to 12 bytes), zero-padded. */
    public static byte[] command(int cmd, int sensorId, int... data) {
        if (data.length > 12) throw new IllegalArgumentException("at most 12 data bytes");
        byte[] f = new byte[COMMAND_LENGTH];
        f[0] = (byte) HEAD;
        f[1] = (byte) COMMAND;
        f[2] = (byte) cmd;
        for (int i = 0; i < data.length; i++) f[3 + i] = (byte) data[i];
        f[15] = (byte) (sensorId >> 8);
        f[16] = (byte) sensorId;
        f[17] = checksum(f, 2, 16);
        f[18] = (byte) TAIL;
        return f;
    }

    /** Set (or ask) reporting mode: query mode answers only when asked, active mode streams a frame a second. */
    public static byte[] setQueryMode(boolean query) {
        return command(CMD_REPORTING_MODE, ALL_SENSORS, 1, query ? 1 : 0);
    }

    public static byte[] queryData() {
        return command(CMD_QUERY_DATA, ALL_SENSORS);
    }

    /** Sleep (laser and fan off) or work. */
    public static byte[] setWorking(boolean work) {
        return command(CMD_SLEEP_WORK, ALL_SENSORS, 1, work ? 1 : 0);
    }

    /** Working period: 0 = continuous, 1–30 = one 30 s run every n minutes. Persists across power-off. */
    public static byte[] setWorkingPeriod(int minutes) {
        if (minutes < 0 || minutes > 30) throw new IllegalArgumentException("working period must be within 0..30 minutes, is " + minutes);
        return command(CMD_WORKING_PERIOD, ALL_SENSORS, 1, minutes);
    }

    public static byte[] firmware() {
        return command(CMD_FIRMWARE, ALL_SENSORS);
    }

    /** Gives the sensor {@code target} (or every sensor, {@link #ALL_SENSORS}) the id {@code newId}. */
    public static byte[] setDeviceId(int target, int newId) {
        if (newId < 0 || newId > 0xFFFF) throw new IllegalArgumentException("an id is 16 bits, is " + newId);
        return command(CMD_SET_ID, target, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, newId >> 8 & 0xFF, newId & 0xFF);
    }

    /** A 10-byte data frame (what a sensor sends; for simulators and tests). */
    public static byte[] data(int pm25Tenths, int pm10Tenths, int sensorId) {
        return shortFrame(DATA, pm25Tenths & 0xFF, pm25Tenths >> 8 & 0xFF, pm10Tenths & 0xFF, pm10Tenths >> 8 & 0xFF, sensorId);
    }

    /** A 10-byte reply frame (what a sensor sends; for simulators and tests). */
    public static byte[] reply(int cmd, int b3, int b4, int b5, int sensorId) {
        return shortFrame(REPLY, cmd, b3, b4, b5, sensorId);
    }

    private static byte[] shortFrame(int type, int a, int b, int c, int d, int sensorId) {
        byte[] f = {(byte) HEAD, (byte) type, (byte) a, (byte) b, (byte) c, (byte) d, (byte) (sensorId >> 8), (byte) sensorId, 0, (byte) TAIL};
        f[8] = checksum(f, 2, 7);
        return f;
    }

    /** Sum of {@code f[from..to]} (inclusive) modulo 256. */
    static byte checksum(byte[] f, int from, int to) {
        int sum = 0;
        for (int i = from; i <= to; i++) sum += f[i] & 0xFF;
        return (byte) sum;
    }

    // ---- decoding ----

    /** The length of a frame of {@code type}, or -1 if no frame has that type byte. */
    static int lengthOf(int type) {
        return switch (type) {
            case DATA, REPLY -> SHORT_LENGTH;
            case COMMAND -> COMMAND_LENGTH;
            default -> -1;
        };
    }

    /** Why a candidate frame was refused. */
    public enum Fault { BAD_CHECKSUM, BAD_TAIL, UNKNOWN_TYPE }

    /** Thrown by {@link #decode} for a frame that is not one. */
    public static final class BadFrameException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Fault fault;

        BadFrameException(Fault fault, String message) {
            super(message);
            this.fault = fault;
        }

        public Fault fault() {
            return fault;
        }
    }

    /**
     * Decodes one whole frame starting at {@code f[off]} (which must be {@code AA}), its length
     * given by its type byte.
     */
    static Frame decode(byte[] f, int off) throws BadFrameException {
        int type = f[off + 1] & 0xFF;
        int len = lengthOf(type);
        if (len < 0) throw new BadFrameException(Fault.UNKNOWN_TYPE, String.format("unknown frame type %02X", type));
        if ((f[off + len - 1] & 0xFF) != TAIL) {
            throw new BadFrameException(Fault.BAD_TAIL, String.format("frame %02X ends in %02X, not AB: %s", type, f[off + len - 1] & 0xFF, hex(f, off, len)));
        }
        byte expected = checksum(f, off + 2, off + len - 3);
        if (f[off + len - 2] != expected) {
            throw new BadFrameException(Fault.BAD_CHECKSUM, String.format("checksum %02X, expected %02X: %s",
                    f[off + len - 2] & 0xFF, expected & 0xFF, hex(f, off, len)));
        }
        int id = (f[off + len - 4] & 0xFF) << 8 | f[off + len - 3] & 0xFF;
        return switch (type) {
            // unsigned on both bytes: a popular binding masked the high byte after shifting and wrapped above 25.5
            case DATA -> new Data(u16(f[off + 3], f[off + 2]), u16(f[off + 5], f[off + 4]), id);
            case REPLY -> new Reply(f[off + 2] & 0xFF, f[off + 3] & 0xFF, f[off + 4] & 0xFF, f[off + 5] & 0xFF, id);
            default -> {
                byte[] d = new byte[12];
                System.arraycopy(f, off + 3, d, 0, 12);
                yield new Command(f[off + 2] & 0xFF, d, id);
            }
        };
    }

    static int u16(byte high, byte low) {
        return (high & 0xFF) << 8 | low & 0xFF;
    }

    public static String hex(byte[] f, int off, int len) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(f, off, off + len);
    }

    public static String idHex(int sensorId) {
        return String.format("%04X", sensorId & 0xFFFF);
    }
}
