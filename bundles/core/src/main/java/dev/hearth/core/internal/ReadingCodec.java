package dev.hearth.core.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    static byte[] encode(Reading r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(r.device());
            out.writeUTF(r.measurement());
            out.writeLong(r.timestamp().getEpochSecond());
            out.writeInt(r.timestamp().getNano());
            out.writeShort(r.tags().size());
            for (var t : r.tags().entrySet()) {
                out.writeUTF(t.getKey());
                out.writeUTF(t.getValue());
            }
            out.writeShort(r.fields().size());
            for (var f : r.fields().entrySet()) {
                out.writeUTF(f.getKey());
                Object v = f.getValue();
                char type = Reading.typeCode(v);
                out.writeByte(type);
                switch (type) {
                    case 'i' -> out.writeLong((Long) v);
                    case 'f' -> out.writeDouble((Double) v);
                    case 'b' -> out.writeBoolean((Boolean) v);
                    default -> out.writeUTF((String) v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
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
            if (ascending(tagKeys) && ascending(fieldKeys)) {
                // every row this codec wrote: no maps in between (Reading.ofSorted checks all the same)
                return Reading.ofSorted(device, measurement, tagKeys, tagValues, fieldKeys, fieldValues, time);
            }
            // a damaged row's keys out of order or repeated: through maps, the later one winning, as always
            return new Reading(device, measurement, treeOf(tagKeys, tagValues), treeOf(fieldKeys, fieldValues), time);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            // an impossible instant, an over-long name: the reading's own checks say what is wrong
            throw new IllegalArgumentException("damaged journal record: " + e.getMessage(), e);
        }
    }

    private static boolean ascending(String[] keys) {
        for (int i = 1; i < keys.length; i++) {
            if (keys[i - 1].compareTo(keys[i]) >= 0) return false;
        }
        return true;
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
