package dev.hearth.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;

/**
 * HiveMQ client builders configured from {@link BrokerSettings}, the same way for every Hearth MQTT
 * component, and connection problems in words a user can act on.
 *
 * <p>What the builders set: identifier, host and port; one Netty event loop thread (shared by
 * every client in the JVM with that setting: one thread is plenty for a gateway, and a Pi has few
 * cores); automatic reconnect from 1 s doubling up to {@link BrokerSettings#reconnectMax()}; TLS
 * with the settings' trust (a pinned certificate is the whole trust decision, so its host name is
 * not checked) and client certificate; the user name and password. The caller adds what is its
 * own (listeners, last will) and sends its CONNECT with {@link BrokerSettings#keepAliveSeconds()}.
 */
public final class MqttClients {

    private MqttClients() {
    }

    /** Identifier, server, executor, reconnect and TLS; no version chosen yet. */
    public static MqttClientBuilder builder(BrokerSettings s) {
        MqttClientBuilder builder = MqttClient.builder()
                .identifier(s.clientId())
                .serverHost(s.host())
                .serverPort(s.port())
                .executorConfig().nettyThreads(1).applyExecutorConfig()
                .automaticReconnect().initialDelay(1, TimeUnit.SECONDS)
                .maxDelay(s.reconnectMax().toMillis(), TimeUnit.MILLISECONDS).applyAutomaticReconnect();
        if (s.trust() != null) {
            MqttClientSslConfigBuilder.Nested<? extends MqttClientBuilder> ssl = builder.sslConfig()
                    .trustManagerFactory(TlsMaterial.trustManagerFactory(s.trust()));
            if (s.clientCertificate() != null) ssl = ssl.keyManagerFactory(s.clientCertificate().keyManagerFactory());
            if (s.trust().isPinned()) ssl = ssl.hostnameVerifier((hostname, session) -> true);
            builder = ssl.applySslConfig();
        }
        return builder;
    }

    /** {@link #builder} for MQTT 5, with the user name and password (MQTT 5 allows a password alone). */
    public static Mqtt5ClientBuilder mqtt5(BrokerSettings s) {
        Mqtt5ClientBuilder b = builder(s).useMqttVersion5();
        byte[] password = password(s);
        if (!s.username().isEmpty() && password != null) {
            b = b.simpleAuth().username(s.username()).password(password).applySimpleAuth();
        } else if (!s.username().isEmpty()) {
            b = b.simpleAuth().username(s.username()).applySimpleAuth();
        } else if (password != null) {
            b = b.simpleAuth().password(password).applySimpleAuth();
        }
        return b;
    }

    /** {@link #builder} for MQTT 3.1.1, with the user name and password (a password only with a user name). */
    public static Mqtt3ClientBuilder mqtt3(BrokerSettings s) {
        Mqtt3ClientBuilder b = builder(s).useMqttVersion3();
        if (!s.username().isEmpty()) {
            var auth = b.simpleAuth().username(s.username());
            byte[] password = password(s);
            if (password != null) auth = auth.password(password);
            b = auth.applySimpleAuth();
        }
        return b;
    }

    private static byte[] password(BrokerSettings s) {
        return s.password().isPresent() ? s.password().reveal().getBytes(StandardCharsets.UTF_8) : null;
    }

    /**
     * Why a connection was lost or refused, in words, with the password masked: {@code broker
     * host:port refused the connection: <reason code>}, {@code TLS with broker host:port failed:
     * <cause>}, or {@code broker host:port unreachable: <cause>}.
     */
    public static String describe(BrokerSettings s, Throwable cause) {
        String text;
        if (cause instanceof Mqtt5ConnAckException e) {
            text = "broker " + s.broker() + " refused the connection: " + e.getMqttMessage().getReasonCode();
        } else if (cause instanceof Mqtt3ConnAckException e) {
            text = "broker " + s.broker() + " refused the connection: " + e.getMqttMessage().getReturnCode();
        } else {
            text = null;
            for (Throwable t = cause; t != null && text == null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SSLException) text = "TLS with broker " + s.broker() + " failed: " + rootMessage(t);
            }
            if (text == null) text = "broker " + s.broker() + " unreachable: " + rootMessage(cause);
        }
        return s.password().mask(text);
    }

    /**
     * The CONNACK reason code's name if {@code cause} is the broker refusing the credentials (bad
     * user name or password, not authorized, bad authentication method), else empty.
     */
    public static Optional<String> authenticationFailure(Throwable cause) {
        if (cause instanceof Mqtt5ConnAckException e) {
            Mqtt5ConnAckReasonCode code = e.getMqttMessage().getReasonCode();
            if (code == Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD || code == Mqtt5ConnAckReasonCode.NOT_AUTHORIZED
                    || code == Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD) {
                return Optional.of(code.name());
            }
        }
        if (cause instanceof Mqtt3ConnAckException e) {
            Mqtt3ConnAckReturnCode code = e.getMqttMessage().getReturnCode();
            if (code == Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD || code == Mqtt3ConnAckReturnCode.NOT_AUTHORIZED) {
                return Optional.of(code.name());
            }
        }
        return Optional.empty();
    }

    private static String rootMessage(Throwable t) {
        if (t == null) return "connection lost";
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }
}
