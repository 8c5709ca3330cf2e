package dev.hearth.mqtt;

import java.nio.file.Path;
import java.time.Duration;

import dev.hearth.support.net.Secret;
import dev.hearth.support.net.TlsTrust;

/**
 * How to reach and log in to one MQTT broker: checked once (by {@link Builder#build()}) so that a
 * bad value is refused with its configuration key and reason instead of failing later. The keys
 * named in refusals are the ones every Hearth MQTT component uses: {@code host}, {@code port},
 * {@code version}, {@code client_id}, {@code username}, {@code password} / {@code .password} /
 * {@code password_file}, {@code tls}, {@code ca_file}, {@code tls_sha256},
 * {@code client_cert_file} / {@code client_key_file}, {@code reconnect_max_s}.
 * {@link #toString()} shows the password as {@code ****} ({@link Secret}) and no key material.
 *
 * @param version 5 or 3 (MQTT 3.1.1)
 * @param trust {@code null} without TLS
 * @param clientCertificate {@code null} without a client certificate (needs TLS)
 * @param keepAliveSeconds MQTT keepalive, 0 (off) to 65535; 60 unless set (the client's default)
 * @param reconnectMax the longest delay between reconnect attempts, which start at 1 s and double
 */
public record BrokerSettings(String host, int port, int version, String clientId, String username, Secret password,
        TlsTrust trust, ClientCertificate clientCertificate, int keepAliveSeconds, Duration reconnectMax) {

    /** The keepalive a component gets when it does not configure one: the HiveMQ client's (and MQTT's usual) 60 s. */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;

    public BrokerSettings {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not 1..65535");
        if (version != 5 && version != 3) throw new IllegalArgumentException("version " + version + ": 5 or 3 (3.1.1)");
        if (clientId == null) throw new IllegalArgumentException("client_id is missing");
        if (username == null) username = "";
        if (password == null) password = Secret.none();
        if (password.isPresent() && username.isEmpty() && version == 3) {
            throw new IllegalArgumentException("MQTT 3.1.1 sends a password only with a username: set username");
        }
        if (clientCertificate != null && trust == null) throw new IllegalArgumentException("a client certificate needs tls=true");
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65535) {
            throw new IllegalArgumentException("keepalive " + keepAliveSeconds + " s is not 0..65535");
        }
        if (reconnectMax == null || reconnectMax.toSeconds() < 1) throw new IllegalArgumentException("reconnect_max_s must be at least 1");
    }

    /** "host:port", as messages name the broker (an IPv6 address in brackets). */
    public String broker() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** "5" or "3.1.1", for log lines. */
    public String versionName() {
        return version == 5 ? "5" : "3.1.1";
    }

    public boolean tls() {
        return trust != null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configuration keys shared by every Hearth MQTT component, given as they come from a
     * configuration annotation (strings may be {@code null} or padded); {@link #build()} checks them.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 1883;
        private int version = 5;
        private String clientId = "";
        private String fallbackClientId = "";
        private String username = "";
        private String password = "";
        private String privatePassword = "";
        private String passwordFile = "";
        private boolean tls;
        private String caFile = "";
        private String tlsSha256 = "";
        private String clientCertFile = "";
        private String clientKeyFile = "";
        private int keepAliveSeconds = DEFAULT_KEEP_ALIVE_SECONDS;
        private int reconnectMaxSeconds = 30;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** 5 or 3 (3.1.1). */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** {@code configured} ({@code client_id}) if not empty, else {@code fallback}. */
        public Builder clientId(String configured, String fallback) {
            this.clientId = configured;
            this.fallbackClientId = fallback;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /**
         * The password: from {@code file} ({@code password_file}) if given, else {@code privateInline}
         * ({@code .password}, kept out of the service properties) if not empty, else {@code inline}
         * ({@code password}).
         */
        public Builder password(String inline, String privateInline, String file) {
            this.password = inline;
            this.privatePassword = privateInline;
            this.passwordFile = file;
            return this;
        }

        /** {@code tls}, {@code ca_file} and {@code tls_sha256}: TLS trust as {@link TlsTrust#of} decides it. */
        public Builder tls(boolean tls, String caFile, String tlsSha256) {
            this.tls = tls;
            this.caFile = caFile;
            this.tlsSha256 = tlsSha256;
            return this;
        }

        /** {@code client_cert_file} and {@code client_key_file}: both or neither. */
        public Builder clientCertificate(String certFile, String keyFile) {
            this.clientCertFile = certFile;
            this.clientKeyFile = keyFile;
            return this;
        }

        public Builder keepAliveSeconds(int seconds) {
            this.keepAliveSeconds = seconds;
            return this;
        }

        /** {@code reconnect_max_s}. */
        public Builder reconnectMaxSeconds(int seconds) {
            this.reconnectMaxSeconds = seconds;
            return this;
        }

        /**
         * Checks everything, reads the password file, the CA file and the client certificate and key.
         *
         * @throws IllegalArgumentException naming the key and the problem, never a secret's value
         */
        public BrokerSettings build() {
            String h = trim(host);
            if (h.isEmpty()) throw new IllegalArgumentException("host is empty");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port + " is not 1..65535");
            if (version != 5 && version != 3) throw new IllegalArgumentException("version " + version + ": 5 or 3 (3.1.1)");
            String id = trim(clientId).isEmpty() ? trim(fallbackClientId) : trim(clientId);
            String user = trim(username);
            Secret secret = Secret.resolve(trim(privatePassword).isEmpty() ? password : privatePassword, passwordFile);
            if (secret.isPresent() && user.isEmpty() && version == 3) {
                throw new IllegalArgumentException("MQTT 3.1.1 sends a password only with a username: set username");
            }
            TlsTrust trust = null;
            if (tls) trust = TlsMaterial.trust(caFile, tlsSha256);
            else if (!trim(caFile).isEmpty() || !trim(tlsSha256).isEmpty()) {
                throw new IllegalArgumentException("ca_file or tls_sha256 is set but tls=false: set tls=true (or remove them)");
            }
            String cert = trim(clientCertFile);
            String key = trim(clientKeyFile);
            if (cert.isEmpty() != key.isEmpty()) throw new IllegalArgumentException("client_cert_file and client_key_file go together");
            ClientCertificate clientCertificate = null;
            if (!cert.isEmpty()) {
                if (trust == null) throw new IllegalArgumentException("a client certificate needs tls=true");
                clientCertificate = ClientCertificate.load(Path.of(cert), Path.of(key));
            }
            if (reconnectMaxSeconds < 1) throw new IllegalArgumentException("reconnect_max_s must be at least 1");
            return new BrokerSettings(h, port, version, id, user, secret, trust, clientCertificate, keepAliveSeconds,
                    Duration.ofSeconds(reconnectMaxSeconds));
        }
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
