package dev.hearth.mqtt;

import java.lang.reflect.Field;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.internal.mqtt.MqttClientConfig;
import com.hivemq.client.internal.mqtt.MqttClientConnectionConfig;
import com.hivemq.client.internal.mqtt.mqtt3.Mqtt3ClientConfigView;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedListener;

import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Many acknowledgements per write to the socket instead of one each, for clients that acknowledge
 * incoming messages manually and in bursts (the MQTT input acknowledges a whole commit's messages
 * at once).
 *
 * <p>Why by hand: the HiveMQ client (1.4.2) writes and flushes every PUBACK/PUBREC by itself, one
 * {@code write} system call per message, and offers no setting for it. Netty's own
 * {@link FlushConsolidationHandler}, put first in each new connection's pipeline, turns the flushes
 * of a run of acknowledgements into one: a flush outside a read is deferred to a task queued after
 * the acknowledgements already waiting on the event loop (at most {@value #MAX_DEFERRED} deferred),
 * a flush inside a read to the end of that read. Nothing is held back longer than the event loop's
 * current queue, and every other write (PUBLISH, PINGREQ) still flushes, only perhaps joined with
 * acknowledgements.
 *
 * <p>The connection's channel is only reachable through the client's internal classes, which this
 * bundle embeds (and keeps private), so this is the one place that touches them. If a later client
 * version moves them, the listener logs once at debug and leaves the connection as it is: slower,
 * never wrong.
 */
public final class AckFlushing {

    private static final Logger LOG = LoggerFactory.getLogger(AckFlushing.class);
    /** Flushes deferred before one is done anyway; Netty's own default. */
    static final int MAX_DEFERRED = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;
    private static final String NAME = "hearth-flush-consolidation";

    private AckFlushing() {
    }

    /** A connected listener to add to a client's builder: consolidates flushes on every (re)connection. */
    public static MqttClientConnectedListener listener() {
        return context -> {
            try {
                MqttClientConfig config = internal(context.getClientConfig());
                MqttClientConnectionConfig connection = config == null ? null : config.getRawConnectionConfig();
                if (connection == null) return;
                install(connection.getChannel());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debug("acknowledgements flushed one by one: {}", e.toString());
            }
        };
    }

    /** Puts the handler first in the channel's pipeline, once; runs on the channel's event loop or schedules itself there. */
    static void install(Channel channel) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> install(channel));
            return;
        }
        if (channel.isActive() && channel.pipeline().get(NAME) == null) {
            channel.pipeline().addFirst(NAME, new FlushConsolidationHandler(MAX_DEFERRED, true));
        }
    }

    static MqttClientConfig internal(Object config) throws ReflectiveOperationException {
        if (config instanceof MqttClientConfig c) return c;
        if (config instanceof Mqtt3ClientConfigView) {
            // the MQTT 3 view keeps its MQTT 5 configuration in a private field, without a getter
            Field delegate = Mqtt3ClientConfigView.class.getDeclaredField("delegate");
            delegate.setAccessible(true);
            return (MqttClientConfig) delegate.get(config);
        }
        return null;
    }
}
