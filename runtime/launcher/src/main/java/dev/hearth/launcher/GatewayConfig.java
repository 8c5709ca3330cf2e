package dev.hearth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code config/gateway.properties}: the few settings the launcher needs before the framework
 * runs. Every key is known; an unknown or duplicated key, or a bad value, is an error that names
 * the file and the key (a typo must not be silently ignored). A key given twice is allowed, as in
 * any properties file (the last one wins: tools append overrides), with a warning.
 */
public final class GatewayConfig {
    public static final String FEATURES = "hearth.features";
    public static final String GATEWAY_ID = "hearth.gateway.id";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String LOG_LEVEL = "log.level";
    public static final String CONSOLE_PASSWORD_SHA256 = "console.password.sha256";
    public static final String CACHE_CLEAN = "cache.clean";
    public static final String DEPLOY_SIGNATURES = "deploy.signatures";

    public static final List<String> DEFAULT_FEATURES = List.of("core", "system-monitor", "prometheus", "file", "web");
    static final Set<String> KEYS = Set.of(FEATURES, GATEWAY_ID, HTTP_HOST, HTTP_PORT, LOG_LEVEL,
            CONSOLE_PASSWORD_SHA256, CACHE_CLEAN, DEPLOY_SIGNATURES);
    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Used in MQTT topics and metric labels: no '/', '+', '#', spaces or control characters. */
    static final Pattern GATEWAY_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]_-]{1,253}");
    /** {@code log.level.<logger>}: a level for one logger (slf4j name: a package or class) and those below it. */
    static final String LOGGER_LEVEL_PREFIX = LOG_LEVEL + ".";
    static final Pattern LOGGER_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*){0,31}");
    static final int MAX_LOGGER_NAME = 200;
    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    static final long MAX_SIZE = 64 * 1024;

    private final List<String> features;
    private final String gatewayId;
    private final String httpHost;
    private final int httpPort;
    private final String logLevel;
    private final Map<String, String> loggerLevels;
    private final String consolePasswordSha256;
    private final boolean cleanCache;
    private final boolean deploySignaturesRequired;

    private GatewayConfig(List<String> features, String gatewayId, String httpHost, int httpPort, String logLevel,
            Map<String, String> loggerLevels, String consolePasswordSha256, boolean cleanCache,
            boolean deploySignaturesRequired) {
        this.loggerLevels = loggerLevels;
        this.deploySignaturesRequired = deploySignaturesRequired;
        this.features = features;
        this.gatewayId = gatewayId;
        this.httpHost = httpHost;
        this.httpPort = httpPort;
        this.logLevel = logLevel;
        this.consolePasswordSha256 = consolePasswordSha256;
        this.cleanCache = cleanCache;
    }

    /** Reads the file; a missing file means all defaults. */
    public static GatewayConfig load(Path file, Supplier<String> defaultGatewayId) throws LauncherException {
        Map<String, String> raw;
        try (InputStream in = Files.newInputStream(file)) {
            if (Files.size(file) > MAX_SIZE) {
                throw new LauncherException(file + ": larger than " + MAX_SIZE + " bytes; not a gateway.properties file");
            }
            raw = read(in, file.toString());
        } catch (NoSuchFileException e) {
            raw = Map.of();
        } catch (IOException e) {
            throw new LauncherException(file + ": cannot be read: " + e.getMessage(), LauncherException.CONFIG, e);
        }
        return parse(raw, file.toString(), defaultGatewayId);
    }

    /** Reads properties as strict UTF-8, refusing malformed escapes; a repeated key: the last wins, with a warning. */
    static Map<String, String> read(InputStream in, String source) throws LauncherException {
        Map<String, String> out = new LinkedHashMap<>();
        Properties p = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Object put(Object key, Object value) {
                if (out.containsKey(key)) {
                    Log.warn(source + ": key " + key + " is set more than once; the last value is used");
                }
                out.put((String) key, (String) value);
                return super.put(key, value);
            }
        };
        Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        try {
            p.load(reader);
        } catch (CharacterCodingException e) {
            throw new LauncherException(source + ": not valid UTF-8 text");
        } catch (IllegalArgumentException e) {
            throw new LauncherException(source + ": malformed properties file: " + e.getMessage());
        } catch (IOException e) {
            throw new LauncherException(source + ": cannot be read: " + e.getMessage(), LauncherException.CONFIG, e);
        }
        return out;
    }

    static GatewayConfig parse(Map<String, String> raw, String source, Supplier<String> defaultGatewayId)
            throws LauncherException {
        for (String key : raw.keySet()) {
            if (!KEYS.contains(key) && !key.startsWith(LOGGER_LEVEL_PREFIX)) {
                throw new LauncherException(source + ": unknown key " + abbreviate(key) + " (known keys: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ", " + LOGGER_LEVEL_PREFIX + "<logger>)");
            }
            String v = raw.get(key);
            for (int i = 0; i < v.length(); i++) {
                if (Character.isISOControl(v.charAt(i))) {
                    throw new LauncherException(source + ": key " + key + ": value contains a control character");
                }
            }
        }
        List<String> features = parseFeatures(value(raw, FEATURES), source);
        String id = value(raw, GATEWAY_ID);
        if (id.isEmpty()) {
            id = sanitizeHostName(defaultGatewayId.get());
        } else if (!GATEWAY_ID_PATTERN.matcher(id).matches()) {
            throw new LauncherException(source + ": key " + GATEWAY_ID + ": '" + id
                    + "' is not a valid gateway id (letters, digits, '.', '_', '-'; at most 64 characters)");
        }
        String host = value(raw, HTTP_HOST);
        if (host.isEmpty()) {
            host = "127.0.0.1";
        } else if (!HOST.matcher(host).matches()) {
            throw new LauncherException(source + ": key " + HTTP_HOST + ": '" + host + "' is not a host name or address");
        }
        int port = 8181;
        String portText = value(raw, HTTP_PORT);
        if (!portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new LauncherException(source + ": key " + HTTP_PORT + ": '" + portText
                        + "' is not a port number (1-65535)");
            }
        }
        String level = value(raw, LOG_LEVEL).toLowerCase(Locale.ROOT);
        if (level.isEmpty()) {
            level = "info";
        } else if (!LEVELS.contains(level)) {
            throw new LauncherException(source + ": key " + LOG_LEVEL + ": '" + raw.get(LOG_LEVEL)
                    + "' is not one of " + String.join(", ", LEVELS));
        }
        Map<String, String> loggerLevels = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (!e.getKey().startsWith(LOGGER_LEVEL_PREFIX)) {
                continue;
            }
            String logger = e.getKey().substring(LOGGER_LEVEL_PREFIX.length());
            if (logger.length() > MAX_LOGGER_NAME || !LOGGER_NAME.matcher(logger).matches()) {
                throw new LauncherException(source + ": key " + abbreviate(e.getKey())
                        + ": not a logger name (a Java package or class name, e.g. log.level.dev.hearth.core)");
            }
            String loggerLevel = e.getValue().trim().toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(loggerLevel)) {
                throw new LauncherException(source + ": key " + e.getKey() + ": '" + abbreviate(e.getValue())
                        + "' is not one of " + String.join(", ", LEVELS));
            }
            loggerLevels.put(logger, loggerLevel);
        }
        String sha = value(raw, CONSOLE_PASSWORD_SHA256);
        if (!sha.isEmpty() && !SHA256_HEX.matcher(sha).matches()) {
            throw new LauncherException(source + ": key " + CONSOLE_PASSWORD_SHA256
                    + ": expected 64 hexadecimal digits (the SHA-256 of the password, e.g. from "
                    + "`printf %s 'secret' | sha256sum`), or empty to generate a password");
        }
        String clean = value(raw, CACHE_CLEAN);
        boolean cleanCache;
        if (clean.isEmpty() || clean.equals("onFirstInit")) {
            cleanCache = true;
        } else if (clean.equals("none")) {
            cleanCache = false;
        } else {
            throw new LauncherException(source + ": key " + CACHE_CLEAN + ": '" + clean + "' is not onFirstInit or none");
        }
        String signatures = value(raw, DEPLOY_SIGNATURES);
        if (!signatures.isEmpty() && !signatures.equals("required") && !signatures.equals("optional")) {
            throw new LauncherException(source + ": key " + DEPLOY_SIGNATURES + ": '" + signatures + "' is not required or optional");
        }
        return new GatewayConfig(features, id, host, port, level, Map.copyOf(loggerLevels), sha.toLowerCase(Locale.ROOT), cleanCache,
                !signatures.equals("optional"));
    }

    static List<String> parseFeatures(String text, String source) throws LauncherException {
        if (text.isEmpty()) {
            return DEFAULT_FEATURES;
        }
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new LauncherException(source + ": key " + FEATURES + ": '" + name
                        + "' is not a feature name (lower-case letters, digits and '-')");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            throw new LauncherException(source + ": key " + FEATURES + ": names no feature");
        }
        return Collections.unmodifiableList(out);
    }

    /** Keeps a hostile or mistaken value from flooding the log: the first 80 characters. */
    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }

    private static String value(Map<String, String> raw, String key) {
        String v = raw.get(key);
        return v == null ? "" : v.trim();
    }

    static String sanitizeHostName(String host) {
        String h = host == null ? "" : host.trim();
        int dot = h.indexOf('.');
        if (dot > 0) {
            h = h.substring(0, dot);
        }
        h = h.replaceAll("[^A-Za-z0-9._-]", "-");
        if (h.length() > 64) {
            h = h.substring(0, 64);
        }
        if (h.isEmpty() || !GATEWAY_ID_PATTERN.matcher(h).matches()) {
            return "hearth";
        }
        return h;
    }

    /** The host name without a DNS lookup (which can hang on a Pi without network). */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            return "hearth";
        }
    }

    public List<String> features() {
        return features;
    }

    /** Whether a jar dropped into deploy/ must be signed by a trusted key (the default) to be installed. */
    public boolean deploySignaturesRequired() {
        return deploySignaturesRequired;
    }

    public String gatewayId() {
        return gatewayId;
    }

    public String httpHost() {
        return httpHost;
    }

    public int httpPort() {
        return httpPort;
    }

    public String logLevel() {
        return logLevel;
    }

    /** Levels of single loggers ({@code log.level.<logger>}), by logger name. */
    public Map<String, String> loggerLevels() {
        return loggerLevels;
    }

    /** Lower-case hex, or empty when the launcher must generate a password. */
    public String consolePasswordSha256() {
        return consolePasswordSha256;
    }

    public boolean cleanCache() {
        return cleanCache;
    }
}
