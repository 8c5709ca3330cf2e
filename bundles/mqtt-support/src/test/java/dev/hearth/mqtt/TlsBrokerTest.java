package dev.hearth.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

import dev.hearth.testkit.Mosquitto;

/**
 * A real Mosquitto with two TLS listeners on 127.0.0.1, certificates made by openssl for the test:
 * one that demands a client certificate signed by the test CA (its certificate names 127.0.0.1),
 * one whose certificate names another host (for pinning). The clients are built by
 * {@link MqttClients} from {@link BrokerSettings}, as the sink and the input build theirs.
 */
class TlsBrokerTest {

    @TempDir
    static Path dir;
    static Pki pki;
    static Process broker;
    /** Requires a client certificate; server certificate for IP 127.0.0.1. */
    static int mutualPort;
    /** No client certificate; server certificate for broker.invalid only. */
    static int otherNamePort;
    static Path clientCert;
    static Path clientKey;
    static Path otherNameCert;

    @BeforeAll
    static void startBroker() throws Exception {
        pki = new Pki(dir);
        Path serverKey = pki.key("server", "EC");
        Path serverCert = pki.cert("server", serverKey, "127.0.0.1", "IP:127.0.0.1", "serverAuth");
        Path otherKey = pki.key("other", "EC");
        otherNameCert = pki.cert("other", otherKey, "broker.invalid", "DNS:broker.invalid", "serverAuth");
        clientKey = pki.key("client", "RSA");
        clientCert = pki.cert("client", clientKey, "hearth-gw1", null, "clientAuth");
        mutualPort = Mosquitto.freePort();
        otherNamePort = Mosquitto.freePort();
        // TLS options apply to the listener above them
        String conf = "persistence false\n"
                + "user " + System.getProperty("user.name") + "\n"
                + "allow_anonymous true\n"
                + "log_dest file " + dir.resolve("mosquitto.log") + "\n"
                + "listener " + mutualPort + " 127.0.0.1\n"
                + "cafile " + pki.caCert + "\ncertfile " + serverCert + "\nkeyfile " + serverKey + "\n"
                + "require_certificate true\n"
                + "listener " + otherNamePort + " 127.0.0.1\n"
                + "certfile " + otherNameCert + "\nkeyfile " + otherKey + "\n";
        Path file = Files.writeString(dir.resolve("mosquitto.conf"), conf);
        broker = new ProcessBuilder(Mosquitto.binary().toString(), "-c", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        awaitListening(mutualPort);
        awaitListening(otherNamePort);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(10, TimeUnit.SECONDS)) broker.destroyForcibly().waitFor();
        }
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) throw new AssertionError("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.out")));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("mosquitto did not listen on " + port + ": " + Files.readString(dir.resolve("mosquitto.out")));
    }

    private static BrokerSettings.Builder settings(int port, String name) {
        return BrokerSettings.builder().host("127.0.0.1").port(port).clientId("", "test-" + name + "-" + System.nanoTime())
                .reconnectMaxSeconds(1);
    }

    /**
     * Connects; the description of the first failure if it fails (then reconnecting is stopped),
     * {@code null} if it connects. With automatic reconnect the connect future waits for success,
     * so failures are heard through the disconnected listener, as the sink and the input hear them.
     */
    private static String connectProblem(BrokerSettings s) throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Mqtt5AsyncClient client = MqttClients.mqtt5(s)
                .addConnectedListener(context -> outcome.complete(null))
                .addDisconnectedListener(context -> outcome.complete(MqttClients.describe(s, context.getCause())))
                .buildAsync();
        try {
            client.connectWith().keepAlive(s.keepAliveSeconds()).send();
            return outcome.get(10, TimeUnit.SECONDS);
        } finally {
            try {
                client.disconnect().get(2, TimeUnit.SECONDS); // also ends automatic reconnecting
            } catch (ExecutionException notConnected) {
                // fine: reconnecting has stopped all the same
            }
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = { 5, 3 })
    void aClientCertificateOpensTheBrokerThatRefusesClientsWithout(int version) throws Exception {
        BrokerSettings with = settings(mutualPort, "with").version(version).tls(true, pki.caCert.toString(), "")
                .clientCertificate(clientCert.toString(), clientKey.toString()).build();
        String topic = "hearth/tls/" + version;
        if (version == 5) {
            Mqtt5AsyncClient client = MqttClients.mqtt5(with).buildAsync();
            client.connectWith().keepAlive(with.keepAliveSeconds()).send().get(10, TimeUnit.SECONDS);
            try {
                CompletableFuture<Mqtt5Publish> got = new CompletableFuture<>();
                client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).callback(got::complete).send()
                        .get(10, TimeUnit.SECONDS);
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload("over mutual TLS".getBytes(StandardCharsets.UTF_8))
                        .send().get(10, TimeUnit.SECONDS);
                assertEquals("over mutual TLS", new String(got.get(10, TimeUnit.SECONDS).getPayloadAsBytes(), StandardCharsets.UTF_8));
            } finally {
                client.disconnect().get(5, TimeUnit.SECONDS);
            }
        } else {
            Mqtt3AsyncClient client = MqttClients.mqtt3(with).buildAsync();
            client.connectWith().keepAlive(with.keepAliveSeconds()).send().get(10, TimeUnit.SECONDS);
            try {
                client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] { 1 }).send().get(10, TimeUnit.SECONDS);
                assertTrue(client.getState().isConnected());
            } finally {
                client.disconnect().get(5, TimeUnit.SECONDS);
            }
        }

        BrokerSettings without = settings(mutualPort, "without").version(version).tls(true, pki.caCert.toString(), "").build();
        String problem = connectProblem(without);
        System.out.println("without a client certificate: " + problem);
        assertTrue(problem != null && problem.startsWith("TLS with broker 127.0.0.1:" + mutualPort + " failed: "), problem);
    }

    @Test
    void aCertificateFromAnotherCaIsNotOffered() throws Exception {
        // a second, unrelated CA and a client certificate signed by it: the broker refuses it
        Path otherDir = Files.createDirectories(dir.resolve("other-ca"));
        Pki other = new Pki(otherDir);
        Path key = other.key("stranger", "EC");
        Path cert = other.cert("stranger", key, "stranger", null, "clientAuth");
        BrokerSettings s = settings(mutualPort, "stranger").tls(true, pki.caCert.toString(), "")
                .clientCertificate(cert.toString(), key.toString()).build();
        String problem = connectProblem(s);
        System.out.println("client certificate of another CA: " + problem);
        assertTrue(problem != null && problem.startsWith("TLS with broker 127.0.0.1:" + mutualPort + " failed: "), problem);
    }

    @Test
    void theBrokerMustBeSignedByTheConfiguredCa() throws Exception {
        Path otherDir = Files.createDirectories(dir.resolve("wrong-ca"));
        Pki wrong = new Pki(otherDir);
        String problem = connectProblem(settings(mutualPort, "wrongca").tls(true, wrong.caCert.toString(), "")
                .clientCertificate(clientCert.toString(), clientKey.toString()).build());
        assertTrue(problem != null && problem.startsWith("TLS with broker 127.0.0.1:" + mutualPort + " failed: "), problem);
    }

    @Test
    void aPinnedCertificateIsTheWholeTrustDecisionAndTheHostNameIsNotChecked() throws Exception {
        // signed by the CA we trust, but issued to broker.invalid: refused by the host name check
        String problem = connectProblem(settings(otherNamePort, "name").tls(true, pki.caCert.toString(), "").build());
        System.out.println("CA-signed certificate for another host: " + problem);
        assertTrue(problem != null && problem.startsWith("TLS with broker 127.0.0.1:" + otherNamePort + " failed: "), problem);
        // pinned: accepted although the name does not match
        assertEquals(null, connectProblem(settings(otherNamePort, "pin").tls(true, "", pki.fingerprint(otherNameCert)).build()));
        // another pin: refused
        problem = connectProblem(settings(otherNamePort, "pin2").tls(true, "", pki.fingerprint(clientCert)).build());
        assertTrue(problem != null && problem.startsWith("TLS with broker"), problem);
    }

    @Test
    void plainMqttAgainstATlsListenerFailsInWords() throws Exception {
        BrokerSettings s = settings(otherNamePort, "plain").build();
        String problem = connectProblem(s);
        assertTrue(problem != null && problem.startsWith("broker 127.0.0.1:" + otherNamePort + " unreachable: "), problem);
        assertThrows(IllegalArgumentException.class, () -> settings(otherNamePort, "x").clientCertificate(clientCert.toString(),
                clientKey.toString()).build());
    }
}
