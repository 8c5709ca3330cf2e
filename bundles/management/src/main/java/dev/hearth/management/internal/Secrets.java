package dev.hearth.management.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which configuration values are secret, and their masked form. A key is secret if its Metatype
 * says PASSWORD, or, as a safety net for keys without a Metatype or declared as plain strings, if
 * its name looks like one (password, token, secret, api key, credential, private key, key file).
 */
final class Secrets {

    /** What a secret shows as; sent back unchanged in a set, it means "keep the current value". */
    static final String MASK = "****";

    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(password|passwd|passphrase|token|secret|api[._-]?key|credential|private|(^|[._-])key([._-]file)?$).*");

    private Secrets() {
    }

    /** Whether {@code key} holds a secret; {@code passwordKeys} are the Metatype's PASSWORD attributes. */
    static boolean isSecret(String key, Set<String> passwordKeys) {
        return passwordKeys.contains(key) || SECRET_NAME.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** {@code value} as shown: {@link #MASK} for a non-empty secret. */
    static Object mask(String key, Object value, Set<String> passwordKeys) {
        if (!isSecret(key, passwordKeys) || value == null) return value;
        if (value instanceof String s && s.isEmpty()) return "";
        return MASK;
    }

    /** A copy of {@code properties} with secrets masked. */
    static Map<String, Object> masked(Map<String, ?> properties, Set<String> passwordKeys) {
        Map<String, Object> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, mask(k, v, passwordKeys)));
        return out;
    }

    /** {@code text} with every non-empty secret value of {@code properties} replaced by {@link #MASK}. */
    static String scrub(String text, Map<String, ?> properties, Set<String> passwordKeys) {
        String out = text;
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (isSecret(e.getKey(), passwordKeys) && e.getValue() != null) {
                String v = String.valueOf(e.getValue());
                if (v.length() >= 3) out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
