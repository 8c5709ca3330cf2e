package dev.hearth.support.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A password, token or API key. Given inline or as a file (so it can live outside {@code config/},
 * e.g. a systemd credential); its {@link #toString} never shows the value, so a secret that ends
 * up in a log line, an exception or a console table prints as {@code ****}.
 */
public final class Secret {

    private static final Secret NONE = new Secret(new char[0]);
    /** Longest secret file read; a bigger file is a mistake, not a password. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    public static Secret none() {
        return NONE;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value.toCharArray());
    }

    /**
     * The secret from {@code file} if given (trailing newlines trimmed), else {@code inline}.
     *
     * @throws IllegalArgumentException naming the file (never its content) if it cannot be read,
     *     is empty or too big
     */
    public static Secret resolve(String inline, String file) {
        if (file == null || file.isBlank()) return of(inline);
        Path path = Path.of(file.trim());
        try {
            long size = Files.size(path);
            if (size > MAX_FILE_BYTES) throw new IllegalArgumentException("secret file " + path + " is " + size + " bytes; at most " + MAX_FILE_BYTES);
            String text = Files.readString(path, StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
            if (text.isEmpty()) throw new IllegalArgumentException("secret file " + path + " is empty");
            return new Secret(text.toCharArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secret file " + path + ": " + e.getClass().getSimpleName());
        }
    }

    public boolean isPresent() {
        return value.length > 0;
    }

    /** The value, for the one call that needs it (an Authorization header, a CONNECT packet). */
    public String reveal() {
        return new String(value);
    }

    public char[] revealChars() {
        return value.clone();
    }

    /** Replaces every occurrence of the value in {@code text} by {@code ****}, for messages that echo requests. */
    public String mask(String text) {
        if (text == null || value.length == 0) return text;
        return text.replace(new String(value), "****");
    }

    @Override
    public String toString() {
        return value.length == 0 ? "" : "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
