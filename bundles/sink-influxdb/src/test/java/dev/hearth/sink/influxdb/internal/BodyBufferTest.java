package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The body buffer writes exactly the bytes that String, Long and Double conversions would. */
class BodyBufferTest {

    private static String decimal(double d) {
        return new BodyBuffer(4).decimal(d).toString();
    }

    @Test
    void shortDecimalsAreWrittenAsDoubleToStringWrites() {
        for (int k = 1; k <= 10_000; k *= 10) {
            for (long m = -200_000; m <= 200_000; m++) {
                double d = m / (double) k;
                assertEquals(Double.toString(d), decimal(d), m + "/" + k);
            }
        }
    }

    @Test
    void edgesOfThePlainRangeAndSpecialValues() {
        double[] values = { 0.0, -0.0, 1e-3, 9.99e-4, 1e-4, 0.001, -0.001, 0.0015, 9_999_999.0, 9_999_999.5, 9_999_999.999,
            1e7, -1e7, 1e21, 1e-300, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 0.1 + 0.2,
            1.0 / 3, 2.0 / 3, 123456.789, 0.30000000000000004, 4.35, 0.07, 1.005, 100.0, 1234567.125 };
        for (double d : values) assertEquals(Double.toString(d), decimal(d), Double.toString(d));
    }

    @Test
    void randomDoublesReadBackTheSame() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextDouble() * 1000;
                case 2 -> Math.round(random.nextGaussian() * 1e5) / 100.0;
                default -> (random.nextInt(2_000_000) - 1_000_000) / 1000.0;
            };
            if (!Double.isFinite(d)) continue;
            assertEquals(Double.toString(d), decimal(d), Double.toString(d));
        }
    }

    @Test
    void longsAsLongToString() {
        long[] values = { 0, 1, -1, 9, 10, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 1_795_867_200_123L };
        for (long v : values) assertEquals(Long.toString(v), new BodyBuffer(1).decimal(v).toString());
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertEquals(Long.toString(v), new BodyBuffer(1).decimal(v).toString());
        }
    }

    @Test
    void utf8AsStringGetBytesIncludingLoneSurrogates() {
        String[] texts = { "", "plain", "ünïcødé", "€", "🔥 fire", "\uD83D", "\uDE00x", "a\uD83D\uDE00b\uD800", "\u0000\u007f\u0080\u07ff\u0800\uffff" };
        for (String s : texts) assertUtf8(s);
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = switch (random.nextInt(4)) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) (0xd800 + random.nextInt(0x800)); // surrogates, paired or not
                    default -> (char) random.nextInt(0x10000);
                };
            }
            assertUtf8(new String(chars));
        }
    }

    private static void assertUtf8(String s) {
        BodyBuffer b = new BodyBuffer(1);
        b.ascii('>').utf8(s);
        byte[] expected = (">" + s).getBytes(StandardCharsets.UTF_8);
        assertEquals(expected.length, b.length(), s);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], b.array()[i], s + " at " + i);
    }

    @Test
    void truncateAndShrinkForgetWhatWasWritten() {
        BodyBuffer b = new BodyBuffer(16);
        b.utf8("x".repeat(100_000));
        b.truncate(3);
        assertEquals("xxx", b.toString());
        b.shrinkTo(16);
        assertEquals(0, b.length());
        assertEquals(16, b.array().length);
        assertEquals("ok", b.utf8("ok").toString());
    }
}
