package dev.hearth.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import dev.hearth.testkit.Mosquitto;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Against a real Mosquitto: the flush-consolidating and quick-ack handlers are in every connection's
 * pipeline (MQTT 5 and 3.1.1, also after a reconnect), the connection works with them, and a burst of manual acknowledgements all reach the broker —
 * a deferred flush never strands one. Acknowledged messages are not redelivered to the resumed
 * session; the unacknowledged half is, which shows the check can fail.
 */
class ChannelTuningTest {

    @TempDir
    Path dir;

    /** A subscriber with a persistent session, acknowledging by hand; one connection per instance. */
    private static final class Subscriber {
        final Mqtt5AsyncClient v5;
        final Mqtt3AsyncClient v3;
        final List<Runnable> acks = new CopyOnWriteArrayList<>();

        Subscriber(int version, int port) throws Exception {
            BrokerSettings s = BrokerSettings.builder().host("127.0.0.1").port(port).version(version)
                    .clientId("", "ackflush-" + version).reconnectMaxSeconds(1).build();
            if (version == 5) {
                // a receive maximum above the burst, as the MQTT input sets it (Mosquitto honours it for MQTT 5)
                v5 = MqttClients.mqtt5(s).addConnectedListener(ChannelTuning.consolidatedFlushes())
                        .addConnectedListener(ChannelTuning.quickAcks()).buildAsync();
                v3 = null;
                v5.publishes(MqttGlobalPublishFilter.ALL, p -> acks.add(p::acknowledge), true);
                v5.connectWith().cleanStart(false).sessionExpiryInterval(300).restrictions().receiveMaximum(1000).applyRestrictions().send().get(10, TimeUnit.SECONDS);
                v5.subscribeWith().topicFilter("flush/#").qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
            } else {
                v3 = MqttClients.mqtt3(s).addConnectedListener(ChannelTuning.consolidatedFlushes())
                        .addConnectedListener(ChannelTuning.quickAcks()).buildAsync();
                v5 = null;
                v3.publishes(MqttGlobalPublishFilter.ALL, p -> acks.add(p::acknowledge), true);
                v3.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
                v3.subscribeWith().topicFilter("flush/#").qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
            }
        }

        Channel channel() throws Exception {
            // the listener runs on the event loop right after CONNACK; give it that turn
            Channel channel = ChannelTuning.channel(v5 != null ? v5.getConfig() : v3.getConfig());
            channel.eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
            return channel;
        }

        void awaitMessages(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acks.size() < n && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(n, acks.size(), "messages received");
        }

        void disconnect() throws Exception {
            if (v5 != null) v5.disconnect().get(10, TimeUnit.SECONDS);
            else v3.disconnect().get(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @CsvSource({ "5", "3" })
    void aBurstOfAcknowledgementsAllReachTheBroker(int version) throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start()) {
            Subscriber first = new Subscriber(version, broker.port());
            Channel channel = first.channel();
            assertNotNull(channel.pipeline().get(FlushConsolidationHandler.class), "flush handler installed");
            // Linux (where Hearth runs and this test runs) has TCP_QUICKACK
            assertNotNull(ChannelTuning.quickAckOption(channel), "TCP_QUICKACK offered");
            assertNotNull(channel.pipeline().get(ChannelTuning.QUICK_ACKS), "quick-ack handler installed");

            // MQTT 3.1.1 has no receive maximum: Mosquitto sends 20 at a time (max_inflight_messages)
            int n = version == 5 ? 400 : 20;
            Mqtt5AsyncClient publisher = MqttClients.mqtt5(BrokerSettings.builder().host("127.0.0.1").port(broker.port())
                    .version(5).clientId("", "ackflush-pub").build()).buildAsync();
            publisher.connect().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                publisher.publishWith().topic("flush/" + i).qos(MqttQos.AT_LEAST_ONCE)
                        .payload(("m" + i).getBytes(StandardCharsets.US_ASCII)).send().get(10, TimeUnit.SECONDS);
            }
            first.awaitMessages(n);
            // half acknowledged in one burst from this thread, as the MQTT input does after a commit
            for (Runnable ack : first.acks.subList(0, n / 2)) ack.run();
            Thread.sleep(500); // the PUBACKs on their way; then the session is left without the other half
            first.disconnect();

            Subscriber resumed = new Subscriber(version, broker.port());
            assertNotNull(resumed.channel().pipeline().get(FlushConsolidationHandler.class), "handler installed again");
            assertNotNull(resumed.channel().pipeline().get(ChannelTuning.QUICK_ACKS), "quick-ack handler installed again");
            resumed.awaitMessages(n / 2); // exactly the unacknowledged half comes back ...
            Thread.sleep(1000);
            assertEquals(n / 2, resumed.acks.size(), "... and nothing acknowledged is redelivered");
            for (Runnable ack : resumed.acks) ack.run();
            Thread.sleep(500);
            resumed.disconnect();

            Subscriber last = new Subscriber(version, broker.port());
            Thread.sleep(1000);
            assertTrue(last.acks.isEmpty(), "all acknowledged: " + last.acks.size() + " redelivered");
            last.disconnect();
            publisher.disconnect().get(10, TimeUnit.SECONDS);
        }
    }
}
