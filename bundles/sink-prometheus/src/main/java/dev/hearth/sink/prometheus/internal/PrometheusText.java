package dev.hearth.sink.prometheus.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format 0.0.4: names, escaping, numbers. No OSGi in here.
 *
 * <p>Timestamps are never written: the sink serves the latest value of each series, and
 * Prometheus stamps it at scrape time.
 */
public final class PrometheusText {

    /** What a scrape answers with. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*}: every other character becomes {@code _}, a leading digit gets one in front. */
    public static String metricName(String raw) {
        return sanitise(raw, true);
    }

    /**
     * {@code [a-zA-Z_][a-zA-Z0-9_]*}. Names starting {@code __} are reserved by Prometheus, so they
     * are prefixed with {@code tag}.
     */
    public static String labelName(String raw) {
        String name = sanitise(raw, false);
        return name.startsWith("__") ? "tag" + name : name;
    }

    private static String sanitise(String raw, boolean colonAllowed) {
        StringBuilder out = new StringBuilder(raw.length() + 1);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colonAllowed && c == ':')
                    || (c >= '0' && c <= '9' && i > 0);
            if (i == 0 && c >= '0' && c <= '9') {
                out.append('_').append(c);
            } else {
                out.append(ok ? c : '_');
            }
            // a surrogate pair is one character to a reader: one underscore, not two
            if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) i++;
        }
        return out.isEmpty() ? "_" : out.toString();
    }

    /** Label values: backslash, double quote and line feed are the three escapes the format knows. */
    public static String escapeLabelValue(String value) {
        return escape(value, true);
    }

    /** HELP text: backslash and line feed. */
    public static String escapeHelp(String help) {
        return escape(help, false);
    }

    private static String escape(String s, boolean quote) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '"' -> quote ? "\\\"" : null;
                default -> null;
            };
            if (replacement != null && out == null) out = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (out != null) {
                if (replacement != null) out.append(replacement);
                else out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Whole numbers without a fraction (as Prometheus' own clients do), others in Java's shortest round-trip form. */
    public static String formatValue(Number value) {
        if (value instanceof Long || value instanceof Integer) return value.toString();
        double d = value.doubleValue();
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "+Inf" : "-Inf";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        // plain digits where people read them (an epoch with millis); exponents at the extremes,
        // where "1.0E-5" and "1.5E20" parse in Prometheus (Go ParseFloat) just the same
        if (Math.abs(d) >= 1e-3 && Math.abs(d) < 1e15) return BigDecimal.valueOf(d).toPlainString();
        return Double.toString(d);
    }

    /** Writes families in the given order, one HELP and one TYPE line each. */
    public static void write(List<MetricFamily> families, StringBuilder out) {
        for (MetricFamily family : families) {
            if (family.samples().isEmpty()) continue;
            out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
            out.append("# TYPE ").append(family.name()).append(' ').append(family.type().text()).append('\n');
            for (MetricFamily.Sample sample : family.samples()) {
                out.append(family.name());
                if (!sample.labels().isEmpty()) {
                    out.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> label : sample.labels().entrySet()) {
                        if (!first) out.append(',');
                        first = false;
                        out.append(label.getKey()).append("=\"").append(escapeLabelValue(label.getValue())).append('"');
                    }
                    out.append('}');
                }
                out.append(' ').append(formatValue(sample.value())).append('\n');
            }
        }
    }

    public static String write(List<MetricFamily> families) {
        StringBuilder out = new StringBuilder(4096);
        write(families, out);
        return out.toString();
    }
}
