package dev.hearth.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Formatting for the console: durations, ages, byte sizes, and values made safe to print. No OSGi. */
final class Text {

    /** Shown for an absent value. */
    static final String NONE = "-";

    private Text() {
    }

    /**
     * A compact duration: {@code 850ms}, {@code 45s}, {@code 3m12s}, {@code 2h05m}, {@code 3d04h}.
     * Negative durations get a leading {@code -}.
     */
    static String duration(Duration d) {
        if (d == null) return NONE;
        if (d.isNegative()) return "-" + duration(d.negated());
        long ms = d.toMillis();
        if (ms < 1000) return ms + "ms";
        long s = d.toSeconds();
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + pad2(s % 60) + "s";
        if (s < 86_400) return (s / 3600) + "h" + pad2(s / 60 % 60) + "m";
        return (s / 86_400) + "d" + pad2(s / 3600 % 24) + "h";
    }

    /** How long ago {@code then} was, as {@code 3m12s ago}; {@code -} when absent. */
    static String age(Instant then, Instant now) {
        if (then == null) return NONE;
        Duration d = Duration.between(then, now);
        return d.isNegative() ? "in " + duration(d.negated()) : duration(d) + " ago";
    }

    /** A byte count in binary units: {@code 512 B}, {@code 1.5 KiB}, {@code 256 MiB}. */
    static String bytes(long n) {
        if (n < 0) return "-" + bytes(n == Long.MIN_VALUE ? Long.MAX_VALUE : -n);
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String num = v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.1f", v);
        return num + " " + units[u];
    }

    /** Milliseconds with at most one decimal: {@code 12.3 ms}, {@code 850 ms}. */
    static String millis(double ms) {
        if (!Double.isFinite(ms) || ms < 0) return NONE;
        return (ms >= 100 || ms == Math.rint(ms) ? String.format(Locale.ROOT, "%.0f", ms)
                : String.format(Locale.ROOT, "%.1f", ms)) + " ms";
    }

    /**
     * Makes any value safe for one line of a terminal: control characters (newlines, escapes, NUL,
     * C1 controls) and invisible format characters (bidi overrides, line separators) are shown as
     * escapes, and the result is cut to {@code max} characters, ending in {@code …} when cut.
     */
    static String clean(Object value, int max) {
        if (value == null) return NONE;
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 8));
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            String piece = escape(cp);
            if (b.length() + piece.length() > max) {
                // keep room for the ellipsis
                while (b.length() > Math.max(0, max - 1)) b.setLength(b.length() - 1);
                if (b.length() > 0 && Character.isHighSurrogate(b.charAt(b.length() - 1))) b.setLength(b.length() - 1);
                return b.append('…').toString();
            }
            b.append(piece);
        }
        return b.toString();
    }

    private static String escape(int cp) {
        switch (cp) {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default:
        }
        int type = Character.getType(cp);
        if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return cp <= 0xFFFF ? String.format(Locale.ROOT, "\\u%04x", cp) : String.format(Locale.ROOT, "\\U%08x", cp);
        }
        return new String(Character.toChars(cp));
    }

    private static String pad2(long v) {
        return v < 10 ? "0" + v : Long.toString(v);
    }
}
