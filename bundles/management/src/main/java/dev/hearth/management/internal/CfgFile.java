package dev.hearth.management.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * FileInstall 3.7.4 {@code .cfg} files: written so that FileInstall reads back exactly the strings
 * that were applied (so its re-read of the file changes nothing), read for the tests and for
 * rollback. No OSGi.
 *
 * <p>FileInstall loads a {@code .cfg} with its TypedProperties: java.util.Properties escapes, then
 * {@code ${...}} substitution, and if every value of the file looks like a typed literal
 * ({@code "x"}, {@code I"5"}, {@code [..]}, {@code (..)}) it reads the whole file as typed values.
 * Values that FileInstall would change on reading are refused here with the reason.
 */
final class CfgFile {

    /** Longest value written: configuration, not a data store. */
    static final int MAX_VALUE_LENGTH = 4096;

    private static final Pattern TYPED_LOOKING = Pattern.compile("^[A-Za-z]?[\"\\[(].*", Pattern.DOTALL);

    private CfgFile() {
    }

    /**
     * Why FileInstall would not read {@code value} back unchanged, or {@code null} if it would.
     * Checked for every value before anything is applied.
     */
    static String problem(String key, String value) {
        if (key.isEmpty()) return "an empty key";
        if (value.length() > MAX_VALUE_LENGTH) return "'" + key + "' is longer than " + MAX_VALUE_LENGTH + " characters";
        if (value.contains("${")) return "'" + key + "' contains '${', which FileInstall would substitute on reading the file";
        for (String s : new String[] { key, value }) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isISOControl(c)) return "'" + shown(key) + "' contains a control character (code " + (int) c + ")";
                if (Character.isSurrogate(c) && !validSurrogate(s, i)) return "'" + shown(key) + "' contains a lone surrogate";
            }
        }
        return null;
    }

    /** Why the file as a whole would not read back, or {@code null}. */
    static String fileProblem(Map<String, String> properties) {
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String p = problem(e.getKey(), e.getValue());
            if (p != null) return p;
        }
        if (!properties.isEmpty() && properties.values().stream().allMatch(v -> TYPED_LOOKING.matcher(v.strip()).matches())) {
            return "every value starts like a typed literal (a quote or bracket): FileInstall would read the file as typed values";
        }
        return null;
    }

    /** The file's text: a header comment, then the properties sorted by key, escaped as java.util.Properties does. */
    static String format(Map<String, String> properties, String header) {
        StringBuilder out = new StringBuilder();
        for (String line : header.split("\n")) out.append("# ").append(escape(line.replaceAll("\\p{Cntrl}", " "), false, true)).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            out.append(escape(e.getKey(), true, false)).append(" = ").append(escape(e.getValue(), false, false)).append('\n');
        }
        return out.toString();
    }

    /**
     * Writes {@code text} to {@code file} atomically: a temporary file in the same directory (its
     * name does not match FileInstall's filter), flushed to disk, then renamed over the target, so
     * FileInstall never sees half a file.
     */
    static void writeAtomically(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a {@code .cfg} written by {@link #format} (or by hand in the plain form): key/value
     * pairs with java.util.Properties escapes. No substitution, no typed values.
     */
    static Map<String, String> parse(String text) {
        java.util.Properties p = new java.util.Properties();
        try {
            p.load(new java.io.StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a .cfg file: " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : new TreeMap<>(p.stringPropertyNames().stream().collect(java.util.stream.Collectors.toMap(k -> k, k -> k))).keySet()) {
            out.put(k, p.getProperty(k));
        }
        return out;
    }

    /** java.util.Properties.saveConvert: ASCII only (non-ASCII as \\uXXXX), so the file's encoding does not matter. */
    static String escape(String s, boolean key, boolean comment) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (comment) {
                if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04X", (int) c));
                else out.append(c);
                continue;
            }
            switch (c) {
                case ' ' -> out.append(i == 0 || key ? "\\ " : " ");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                case '\\' -> out.append("\\\\");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> {
                    if (c < 0x20 || c > 0x7e) out.append(String.format("\\u%04X", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String shown(String key) {
        return key.length() > 40 ? key.substring(0, 40) + "…" : key;
    }
}
