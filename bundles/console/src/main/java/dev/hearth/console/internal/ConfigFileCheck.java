package dev.hearth.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a file in {@code config/} can be a configuration at all, before FileInstall reads it.
 * FileInstall hands any {@code .cfg} to {@link java.util.Properties}, which takes binary bytes as
 * keys and values (an image saved under a .cfg name applies whatever looks like a setting), refuses
 * a Windows path's backslash-u without saying which line, and reads a file of any size into the
 * heap (32 MiB of it ended the gateway with an OutOfMemoryError, at every start). No OSGi here.
 */
final class ConfigFileCheck {
    /** Configuration files are a few hundred bytes; this leaves room for long lists. */
    static final long MAX_BYTES = 256 * 1024;

    private ConfigFileCheck() {
    }

    /** What makes {@code file} no configuration file, or {@code null} when it may be read. */
    static String problem(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                return "larger than " + MAX_BYTES / 1024 + " KiB (" + size + " bytes): not a configuration file";
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) MAX_BYTES + 1);
            }
            if (bytes.length > MAX_BYTES) {
                return "larger than " + MAX_BYTES / 1024 + " KiB: not a configuration file";
            }
        } catch (IOException e) {
            return "cannot be read: " + e.getMessage();
        }
        return problem(bytes, file.getFileName().toString().endsWith(".cfg"));
    }

    /** {@code properties}: the .cfg format (java.util.Properties), where backslash escapes are checked too. */
    static String problem(byte[] bytes, boolean properties) {
        int line = 1;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '\n') {
                line++;
            } else if ((b < 0x20 && b != '\t' && b != '\r' && b != '\f') || b == 0x7f) {
                return "line " + line + ": binary data (byte 0x" + String.format("%02x", b) + "): not a configuration file";
            }
        }
        if (!properties) {
            return null;
        }
        line = 1;
        String key = null;
        boolean lineStart = true;
        StringBuilder keyText = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (c == '\n') {
                line++;
                lineStart = true;
                key = null;
                keyText.setLength(0);
                continue;
            }
            if (lineStart && (c == '#' || c == '!')) { // a comment: escapes in it mean nothing
                while (i + 1 < bytes.length && bytes[i + 1] != '\n') i++;
                continue;
            }
            if (!(c == ' ' || c == '\t' || c == '\f')) lineStart = false;
            if (key == null && (c == '=' || c == ':')) key = keyText.toString().trim();
            if (c == '\\') {
                if (i + 1 >= bytes.length) break;
                char next = (char) (bytes[i + 1] & 0xff);
                if (next == 'u') {
                    String hex = new String(bytes, i + 2, Math.min(4, bytes.length - i - 2), java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        String where = key == null || key.isEmpty() ? "" : " (" + Text.clean(key, 60) + ")";
                        return "line " + line + where + ": a backslash-u starts a unicode escape, but '" + Text.clean(hex, 4)
                                + "' is not four hexadecimal digits (write a backslash as \\\\, e.g. C:\\\\users)";
                    }
                }
                if (next == '\n') line++; // a continued line
                i++;
                if (key == null) keyText.append(next);
                continue;
            }
            if (key == null) keyText.append(c);
        }
        return null;
    }
}
