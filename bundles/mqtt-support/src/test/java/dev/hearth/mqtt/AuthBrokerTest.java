package dev.hearth.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import dev.hearth.testkit.Mosquitto;

/** Credentials against a real Mosquitto with a password file: right ones connect, wrong ones are named as such. */
class AuthBrokerTest {

    @TempDir
    Path dir;

    /** Connects; the disconnect context of the first failure, or {@code null} once connected. */
    private static MqttClientDisconnectedContext attempt(BrokerSettings s) throws Exception {
        CompletableFuture<MqttClientDisconnectedContext> outcome = new CompletableFuture<>();
        Runnable disconnect;
        if (s.version() == 5) {
            Mqtt5AsyncClient c = MqttClients.mqtt5(s).addConnectedListener(x -> outcome.complete(null))
                    .addDisconnectedListener(outcome::complete).buildAsync();
            c.connectWith().keepAlive(s.keepAliveSeconds()).send();
            disconnect = () -> c.disconnect();
        } else {
            Mqtt3AsyncClient c = MqttClients.mqtt3(s).addConnectedListener(x -> outcome.complete(null))
                    .addDisconnectedListener(outcome::complete).buildAsync();
            c.connectWith().keepAlive(s.keepAliveSeconds()).send();
            disconnect = () -> c.disconnect();
        }
        try {
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            disconnect.run(); // ends reconnecting either way
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = { 5, 3 })
    void wrongCredentialsAreAnAuthenticationFailureAndNeverShowThePassword(int version) throws Exception {
        Path passwd = Mosquitto.passwordFile(dir, "hearth", "right-secret");
        try (Mosquitto broker = new Mosquitto(dir, passwd).start()) {
            BrokerSettings.Builder b = BrokerSettings.builder().host("127.0.0.1").port(broker.port()).version(version)
                    .clientId("", "auth-" + version).username("hearth").reconnectMaxSeconds(1);
            Path file = Files.writeString(dir.resolve("pw"), "right-secret\n");
            assertEquals(null, attempt(b.password("", "", file.toString()).build()));

            BrokerSettings wrong = b.password("wrong-secret", "", "").build();
            MqttClientDisconnectedContext failure = attempt(wrong);
            assertTrue(failure != null, "connected with the wrong password");
            Optional<String> code = MqttClients.authenticationFailure(failure.getCause());
            assertTrue(code.isPresent(), String.valueOf(failure.getCause()));
            String text = MqttClients.describe(wrong, failure.getCause());
            assertEquals("broker 127.0.0.1:" + broker.port() + " refused the connection: " + code.get(), text);
            assertFalse(text.contains("wrong-secret"));
            assertTrue(failure.getSource() != null && failure.getClientConfig().getState() != MqttClientState.CONNECTED);
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = { 5, 3 })
    void aStoppedBrokerIsUnreachable(int version) throws Exception {
        int port = Mosquitto.freePort();
        BrokerSettings s = BrokerSettings.builder().host("127.0.0.1").port(port).version(version).clientId("", "none")
                .reconnectMaxSeconds(1).build();
        MqttClientDisconnectedContext failure = attempt(s);
        assertTrue(failure != null);
        assertTrue(MqttClients.describe(s, failure.getCause()).startsWith("broker 127.0.0.1:" + port + " unreachable: "),
                MqttClients.describe(s, failure.getCause()));
        assertEquals(Optional.empty(), MqttClients.authenticationFailure(failure.getCause()));
    }

}
