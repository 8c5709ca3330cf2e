package dev.hearth.core.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.TreeMap;

import dev.hearth.api.Reading;

/**
 * The journal's private encoding of a reading. Written by hand rather than as JSON because the
 * journal is the hot path: this form is about half the size and several times faster to write and
 * read, and it never leaves the process. The leading version byte lets a later release read the
 * journals of an earlier one.
 */
final class ReadingCodec {

    static final int VERSION = 1;

    private ReadingCodec() {
    }

    /**
     * Encodes a reading. Written into one byte array by hand rather than through
     * {@code DataOutputStream}: its every write went through the synchronized
     * {@code ByteArrayOutputStream}, and {@code writeUTF} allocated a buffer per string; every
     * accepted reading is encoded once, on the publisher's thread. The bytes are the same
     * ({@code writeUTF}'s modified UTF-8 with a two-byte length), held to it by ReadingCodecTest.
     */
    static byte[] encode(Reading r) {
        Output out = new Output(96);
        out.u8(VERSION);
        out.utf(r.device());
        out.utf(r.measurement());
        out.s64(r.timestamp().getEpochSecond());
        out.s32(r.timestamp().getNano());
        out.u16(r.tags().size());
        r.tags().forEach((k, v) -> {
            out.utf(k);
            out.utf(v);
        });
        out.u16(r.fields().size());
        r.fields().forEach((k, v) -> {
            out.utf(k);
            char type = Reading.typeCode(v);
            out.u8(type);
            switch (type) {
                case 'i' -> out.s64((Long) v);
                case 'f' -> out.s64(Double.doubleToLongBits((Double) v)); // as writeDouble writes it
                case 'b' -> out.u8((Boolean) v ? 1 : 0);
                default -> out.utf((String) v);
            }
        });
        return out.toByteArray();
    }

    /** A growing byte array with DataOutputStream's big-endian writes. Not thread-safe. */
    private static final class Output {
        private byte[] buf;
        private int pos;

        Output(int capacity) {
            buf = new byte[capacity];
        }

        private void reserve(int n) {
            if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }

        void u8(int v) {
            reserve(1);
            buf[pos++] = (byte) v;
        }

        void u16(int v) {
            reserve(2);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void s32(int v) {
            reserve(4);
            for (int shift = 24; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
        }

        void s64(long v) {
            reserve(8);
            for (int shift = 56; shift >= 0; shift -= 8) buf[pos++] = (byte) (v >>> shift);
        }

        /** Modified UTF-8 with its length first, as {@code DataOutputStream.writeUTF}: U+0000 as two bytes, each surrogate as three. */
        void utf(String s) {
            int length = s.length();
            reserve(2 + 3 * length); // the most it can take; the length is written once known
            int lengthAt = pos;
            pos += 2;
            for (int i = 0; i < length; i++) {
                char c = s.charAt(i);
                if (c >= 0x0001 && c <= 0x007F) {
                    buf[pos++] = (byte) c;
                } else if (c <= 0x07FF) {
                    buf[pos++] = (byte) (0xC0 | (c >> 6));
                    buf[pos++] = (byte) (0x80 | (c & 0x3F));
                } else {
                    buf[pos++] = (byte) (0xE0 | (c >> 12));
                    buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[pos++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            int bytes = pos - lengthAt - 2;
            // a reading's limits keep every string far below this (16 Ki chars at most)
            if (bytes > 0xFFFF) throw new IllegalArgumentException("a string of " + bytes + " bytes does not fit a journal record");
            buf[lengthAt] = (byte) (bytes >>> 8);
            buf[lengthAt + 1] = (byte) bytes;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Decodes a reading; a damaged record gives an {@link IllegalArgumentException} naming what is wrong. */
    static Reading decode(byte[] data) {
        return decode(data, null);
    }

    /**
     * Decodes a reading, taking repeated names and values from {@code strings} (may be {@code null}).
     * A replay decodes millions of rows whose device, measurement, tags and field keys repeat: they
     * are then neither decoded nor allocated again. The bytes are read in place with bounds checks
     * rather than through {@code DataInputStream}, whose synchronized reads and per-string buffers
     * cost most of a decode under the gateway's C1-only JIT; the format and every refusal are the
     * same. The reading is still built through its constructor, whose checks stand guard against a
     * damaged row that happens to decode (a flipped byte inside a name).
     */
    static Reading decode(byte[] data, Strings strings) {
        Cursor in = new Cursor(data, strings);
        try {
            int version = in.u8();
            if (version != VERSION) throw new IllegalArgumentException("unknown journal record version " + version);
            String device = in.utf();
            String measurement = in.utf();
            long seconds = in.s64();
            int nanos = in.s32();
            Instant time = Instant.ofEpochSecond(seconds, nanos);
            int tagCount = entries(in.u16());
            String[] tagKeys = new String[tagCount];
            String[] tagValues = new String[tagCount];
            for (int i = 0; i < tagCount; i++) {
                tagKeys[i] = in.utf();
                tagValues[i] = in.utf();
            }
            int fieldCount = entries(in.u16());
            String[] fieldKeys = new String[fieldCount];
            Object[] fieldValues = new Object[fieldCount];
            for (int i = 0; i < fieldCount; i++) {
                fieldKeys[i] = in.utf();
                int type = in.u8();
                fieldValues[i] = switch (type) {
                    case 'i' -> in.s64();
                    case 'f' -> Double.longBitsToDouble(in.s64());
                    case 'b' -> in.u8() != 0;
                    case 's' -> in.utf();
                    default -> throw new IllegalArgumentException("unknown field type " + type);
                };
            }
            if (in.remaining() > 0) throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            try {
                // every row this codec wrote has its keys in order: no maps in between (ofSorted checks them)
                return Reading.ofSorted(device, measurement, tagKeys, tagValues, fieldKeys, fieldValues, time);
            } catch (IllegalArgumentException refused) {
                // a damaged row's keys out of order or repeated: through maps, the later one winning, as
                // always; any other fault the constructor refuses again, with its own reason
                return new Reading(device, measurement, treeOf(tagKeys, tagValues), treeOf(fieldKeys, fieldValues), time);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // an impossible instant, an over-long name: the reading's own checks say what is wrong
            throw new IllegalArgumentException("damaged journal record: " + e.getMessage(), e);
        }
    }

    private static <V> TreeMap<String, V> treeOf(String[] keys, V[] values) {
        TreeMap<String, V> tree = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) tree.put(keys[i], values[i]);
        return tree;
    }

    private static int entries(int n) {
        if (n > Reading.MAX_ENTRIES) throw new IllegalArgumentException("more than " + Reading.MAX_ENTRIES + " tags or fields");
        return n;
    }


    /** Reads the record's big-endian numbers and modified UTF-8 strings in place, each read bounds-checked. */
    private static final class Cursor {
        private final byte[] data;
        private final Strings strings;
        private int pos;

        Cursor(byte[] data, Strings strings) {
            this.data = data;
            this.strings = strings;
        }

        int remaining() {
            return data.length - pos;
        }

        private void need(int n) {
            if (data.length - pos < n) {
                throw new IllegalArgumentException("truncated journal record: " + n + " bytes needed at offset " + pos
                        + " of " + data.length);
            }
        }

        int u8() {
            need(1);
            return data[pos++] & 0xff;
        }

        int u16() {
            need(2);
            int v = (data[pos] & 0xff) << 8 | (data[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        int s32() {
            need(4);
            int v = (data[pos] & 0xff) << 24 | (data[pos + 1] & 0xff) << 16 | (data[pos + 2] & 0xff) << 8 | (data[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        long s64() {
            long hi = s32() & 0xffffffffL;
            return hi << 32 | (s32() & 0xffffffffL);
        }

        /** A {@code writeUTF} string: two length bytes, then modified UTF-8. */
        String utf() {
            int length = u16();
            need(length);
            int from = pos;
            pos += length;
            if (strings != null) {
                String s = strings.get(data, from, length);
                if (s != null) return s;
            }
            boolean ascii = true;
            for (int i = from; i < from + length; i++) {
                if (data[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            String s;
            if (ascii) {
                s = new String(data, from, length, StandardCharsets.ISO_8859_1); // bytes below 0x80 are those chars
            } else {
                // The JDK's own decoder, with its refusal of malformed sequences, for the rare non-ASCII string.
                try {
                    s = new DataInputStream(new ByteArrayInputStream(data, from - 2, length + 2)).readUTF();
                } catch (IOException e) {
                    throw new IllegalArgumentException("damaged journal record: " + e, e);
                }
            }
            if (strings != null) strings.put(data, from, length, s);
            return s;
        }
    }

    /**
     * Strings seen lately, by their encoded bytes: a small direct-mapped table (a new string
     * replaces whatever shared its slot). Not thread-safe: one per sink worker, whose reads never overlap.
     */
    static final class Strings {
        /** Longer strings are rarely repeated names, and cost more to compare than to decode. */
        private static final int MAX_BYTES = 64;
        private static final int SLOTS = 256;
        private final byte[][] keys = new byte[SLOTS][];
        private final String[] values = new String[SLOTS];

        /**
         * A slot from the length and four of the bytes, not all of them: the comparison that
         * follows reads every byte anyway, and a collision only costs a decode.
         */
        private static int slot(byte[] data, int from, int length) {
            if (length == 0) return 0;
            int last = from + length - 1;
            int h = length * 31 + data[from];
            h = h * 31 + data[last];
            h = h * 31 + data[from + (length >> 1)];
            h = h * 31 + data[last - (length >> 2)];
            return (h ^ h >>> 9) & (SLOTS - 1);
        }

        String get(byte[] data, int from, int length) {
            if (length > MAX_BYTES) return null;
            int slot = slot(data, from, length);
            byte[] key = keys[slot];
            if (key == null || key.length != length) return null;
            for (int i = 0; i < length; i++) {
                if (key[i] != data[from + i]) return null;
            }
            return values[slot];
        }

        void put(byte[] data, int from, int length, String value) {
            if (length > MAX_BYTES) return;
            int slot = slot(data, from, length);
            keys[slot] = Arrays.copyOfRange(data, from, from + length);
            values[slot] = value;
        }
    }
}
