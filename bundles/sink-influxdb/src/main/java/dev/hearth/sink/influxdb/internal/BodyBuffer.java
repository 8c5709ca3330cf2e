package dev.hearth.sink.influxdb.internal;

import java.util.Arrays;

/**
 * A growable byte array that request bodies are written into as UTF-8, reused from one batch to
 * the next: a replay of millions of lines then allocates no per-line strings or copies, which on
 * the gateway's small heap (serial GC) is what kept the collector busy.
 */
final class BodyBuffer {

    private byte[] bytes;
    private int length;

    BodyBuffer(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Forgets what was written past {@code length} (a refused line, or the previous batch). */
    void truncate(int newLength) {
        length = newLength;
    }

    /** Makes room for {@code n} more bytes. */
    void reserve(int n) {
        if (bytes.length - length < n) {
            long wanted = Math.max((long) bytes.length * 2, (long) length + n);
            if (wanted > Integer.MAX_VALUE - 16) throw new IllegalStateException("request body over 2 GB");
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
    }

    /** Lets a large buffer go once a batch is over, so one huge batch does not pin its memory. */
    void shrinkTo(int capacity) {
        length = 0;
        if (bytes.length > capacity) bytes = new byte[capacity];
    }

    BodyBuffer ascii(char c) {
        reserve(1);
        bytes[length++] = (byte) c;
        return this;
    }

    BodyBuffer bytes(byte[] b) {
        reserve(b.length);
        System.arraycopy(b, 0, bytes, length, b.length);
        length += b.length;
        return this;
    }

    /** A string's chars as UTF-8, lone surrogates as {@code ?} (what {@code String.getBytes(UTF_8)} writes). */
    BodyBuffer utf8(String s, int from, int to) {
        reserve(to - from);
        byte[] b = bytes;
        int n = length;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[n++] = (byte) c;
                continue;
            }
            length = n;
            reserve(to - i + 3);
            b = bytes;
            if (c < 0x800) {
                b[n++] = (byte) (0xc0 | c >> 6);
                b[n++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[n++] = (byte) (0xf0 | cp >> 18);
                b[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
                b[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
                b[n++] = (byte) (0x80 | cp & 0x3f);
            } else if (Character.isSurrogate(c)) {
                b[n++] = '?';
            } else {
                b[n++] = (byte) (0xe0 | c >> 12);
                b[n++] = (byte) (0x80 | c >> 6 & 0x3f);
                b[n++] = (byte) (0x80 | c & 0x3f);
            }
        }
        length = n;
        return this;
    }

    BodyBuffer utf8(String s) {
        return utf8(s, 0, s.length());
    }

    /** Digits are written here from the right, then copied: no counting them first. */
    private final byte[] digits = new byte[20];

    /** A long in decimal, as {@link Long#toString(long)} writes it. */
    BodyBuffer decimal(long v) {
        if (v == Long.MIN_VALUE) return utf8("-9223372036854775808");
        reserve(20);
        if (v < 0) {
            bytes[length++] = '-';
            v = -v;
        }
        byte[] d = digits;
        int i = d.length;
        // Two digits per division, and int divisions once the rest fits an int: divisions are what
        // this costs (C1 does not turn a division by a constant into a multiplication).
        while (v > Integer.MAX_VALUE) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            d[--i] = (byte) ('0' + r % 10);
            d[--i] = (byte) ('0' + r / 10);
            v = q;
        }
        int w = (int) v;
        while (w >= 100) {
            int q = w / 100;
            int r = w - q * 100;
            d[--i] = (byte) ('0' + r % 10);
            d[--i] = (byte) ('0' + r / 10);
            w = q;
        }
        if (w >= 10) {
            d[--i] = (byte) ('0' + w % 10);
            w /= 10;
        }
        d[--i] = (byte) ('0' + w);
        System.arraycopy(d, i, bytes, length, d.length - i);
        length += d.length - i;
        return this;
    }

    private static final double[] POW10 = { 1, 10, 100, 1000 };

    /**
     * A double as {@link Double#toString(double)} writes it. Sensor values are mostly short
     * decimals (21.5, 0.1): those are written from a long when that long, divided back, is exactly
     * the double (so the text reads back as the same number, and being at most 3 decimals within
     * the plain-notation range, it is the shortest such text, which is what {@code Double.toString}
     * gives); anything else goes through {@code Double.toString}, whose C1-compiled conversion cost
     * a visible share of a replay.
     */
    BodyBuffer decimal(double d) {
        double abs = Math.abs(d);
        if (d == 0) {
            return utf8(Double.doubleToRawLongBits(d) < 0 ? "-0.0" : "0.0");
        }
        if (abs >= 1e-3 && abs < 1e7) {
            for (int k = 0; k < POW10.length; k++) {
                double scaled = abs * POW10[k];
                long m = (long) scaled;
                if (m == scaled && m / POW10[k] == abs) {
                    if (k > 0 && m % 10 == 0) break; // a trailing zero: not the shortest text, leave it to Double.toString
                    if (d < 0) ascii('-');
                    long whole = m / (long) POW10[k];
                    decimal(whole);
                    ascii('.');
                    if (k == 0) return ascii('0');
                    long fraction = m - whole * (long) POW10[k];
                    for (long p = (long) POW10[k] / 10; p > fraction && p > 1; p /= 10) ascii('0'); // leading zeros
                    return decimal(fraction);
                }
            }
        }
        return utf8(Double.toString(d));
    }

    /** For tests and messages: the bytes as text. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
    }
}
