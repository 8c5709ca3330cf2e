package dev.hearth.mqtt;

import java.lang.reflect.Field;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.internal.mqtt.MqttClientConfig;
import com.hivemq.client.internal.mqtt.MqttClientConnectionConfig;
import com.hivemq.client.internal.mqtt.mqtt3.Mqtt3ClientConfigView;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedListener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Two socket-level fixes for Hearth's MQTT connections that the HiveMQ client (1.4.2) has no
 * setting for, each a connected listener that adds a Netty handler to every new connection's
 * pipeline.
 *
 * <ul>
 * <li>{@link #consolidatedFlushes()}: the client writes and flushes every PUBACK/PUBREC by itself,
 * one {@code write} system call per message. A client that acknowledges in bursts (the MQTT input
 * acknowledges a whole commit's messages at once) gets Netty's own
 * {@link FlushConsolidationHandler}: a flush outside a read is deferred to a task queued after the
 * acknowledgements already waiting on the event loop (at most {@value #MAX_DEFERRED} deferred), a
 * flush inside a read to the end of that read. Nothing waits longer than the event loop's current
 * queue, and every other write still flushes, perhaps joined with acknowledgements.</li>
 * <li>{@link #quickAcks()}: a publisher that waits for the last PUBACK of a batch meets Nagle's
 * algorithm on the broker (Mosquitto's {@code set_tcp_nodelay} is off by default): the broker holds
 * its last small PUBACKs until the previous segment is acknowledged, and Linux delays that TCP
 * acknowledgement up to 40 ms. Re-arming {@code TCP_QUICKACK} after every read (it is not sticky on
 * Linux) makes this side acknowledge at once, so a batch ends when its last PUBACK is sent, not 40 ms
 * later. Where the option does not exist (not Linux) nothing is added.</li>
 * </ul>
 *
 * <p>The connection's channel is only reachable through the client's internal classes, which this
 * bundle embeds (and keeps private), so this is the one place that touches them. If a later client
 * version moves them, the listener logs at debug and leaves the connection as it is: slower, never
 * wrong.
 */
public final class ChannelTuning {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelTuning.class);
    /** Flushes deferred before one is done anyway; Netty's own default. */
    static final int MAX_DEFERRED = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;
    static final String FLUSHES = "hearth-flush-consolidation";
    static final String QUICK_ACKS = "hearth-quick-ack";

    private ChannelTuning() {
    }

    /** Many acknowledgements per socket write; see the class comment. */
    public static MqttClientConnectedListener consolidatedFlushes() {
        return onChannel(channel -> {
            if (channel.pipeline().get(FLUSHES) == null) {
                channel.pipeline().addFirst(FLUSHES, new FlushConsolidationHandler(MAX_DEFERRED, true));
            }
        });
    }

    /** TCP acknowledgements without the delayed-ACK wait; see the class comment. */
    public static MqttClientConnectedListener quickAcks() {
        return onChannel(channel -> {
            ChannelOption<Boolean> option = quickAckOption(channel);
            if (option != null && channel.pipeline().get(QUICK_ACKS) == null) {
                channel.pipeline().addFirst(QUICK_ACKS, new QuickAcks(option));
            }
        });
    }

    /** Re-arms TCP_QUICKACK at the end of every read, which is where Linux may have left quick-ack mode. */
    private static final class QuickAcks extends ChannelInboundHandlerAdapter {
        private final ChannelOption<Boolean> option;

        QuickAcks(ChannelOption<Boolean> option) {
            this.option = option;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.channel().config().setOption(option, Boolean.TRUE);
            ctx.fireChannelReadComplete();
        }
    }

    /**
     * The channel's TCP_QUICKACK option, found by name among those the JDK channel supports, so that
     * this bundle needs no import of {@code jdk.net} (which an OSGi framework need not export).
     */
    @SuppressWarnings("unchecked")
    static ChannelOption<Boolean> quickAckOption(Channel channel) {
        for (ChannelOption<?> o : channel.config().getOptions().keySet()) {
            if (o.name().equals("TCP_QUICKACK")) return (ChannelOption<Boolean>) o;
        }
        return null;
    }

    private static MqttClientConnectedListener onChannel(Consumer<Channel> change) {
        return context -> {
            try {
                Channel channel = channel(context.getClientConfig());
                if (channel == null) return;
                // the listener runs on the event loop, right after CONNACK; the check keeps it so if that changes
                if (channel.eventLoop().inEventLoop()) apply(channel, change);
                else channel.eventLoop().execute(() -> apply(channel, change));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debug("MQTT connection left untuned: {}", e.toString());
            }
        };
    }

    private static void apply(Channel channel, Consumer<Channel> change) {
        if (channel.isActive()) change.accept(channel);
    }

    /** The connection's channel, or {@code null} when not connected. */
    static Channel channel(Object clientConfig) throws ReflectiveOperationException {
        MqttClientConfig config = internal(clientConfig);
        MqttClientConnectionConfig connection = config == null ? null : config.getRawConnectionConfig();
        return connection == null ? null : connection.getChannel();
    }

    private static MqttClientConfig internal(Object config) throws ReflectiveOperationException {
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
