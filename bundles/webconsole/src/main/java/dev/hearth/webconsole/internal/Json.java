package dev.hearth.webconsole.internal;

/**
 * A minimal JSON writer: strings escaped per RFC 8259, and additionally {@code <}, {@code >},
 * {@code &}, U+2028 and U+2029 as {@code \}{@code u} escapes so that the text stays inert wherever
 * it ends up (a script block, an HTML attribute).
 */
final class Json {

    private final StringBuilder out = new StringBuilder(1024);
    private boolean needComma;

    Json beginObject() { value(); out.append('{'); needComma = false; return this; }
    Json endObject() { out.append('}'); needComma = true; return this; }
    Json beginArray() { value(); out.append('['); needComma = false; return this; }
    Json endArray() { out.append(']'); needComma = true; return this; }

    Json name(String name) {
        value();
        string(name);
        out.append(':');
        needComma = false;
        return this;
    }

    Json value(String s) {
        value();
        if (s == null) out.append("null");
        else string(s);
        needComma = true;
        return this;
    }

    Json value(long n) {
        value();
        out.append(n);
        needComma = true;
        return this;
    }

    /** Non-finite numbers have no JSON form; they become null. */
    Json value(double d) {
        value();
        if (!Double.isFinite(d)) out.append("null");
        else if (d == Math.rint(d) && Math.abs(d) < 1e15) out.append((long) d);
        else out.append(d);
        needComma = true;
        return this;
    }

    Json value(boolean b) {
        value();
        out.append(b);
        needComma = true;
        return this;
    }

    Json field(String name, String v) { return name(name).value(v); }
    Json field(String name, long v) { return name(name).value(v); }
    Json field(String name, double v) { return name(name).value(v); }
    Json field(String name, boolean v) { return name(name).value(v); }

    @Override
    public String toString() {
        return out.toString();
    }

    private void value() {
        if (needComma) out.append(',');
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'
                            || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        // a lone surrogate cannot be encoded as UTF-8; escaping keeps the output valid
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
