package dev.hearth.sink.mqtt.internal;

import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hivemq.client.mqtt.datatypes.MqttTopic;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.json.ReadingJsonEncoder;

/**
 * Publishes each reading as JSON to an MQTT broker, one component per configuration of factory
 * PID {@code dev.hearth.sink.mqtt}. Every configuration key, {@code hearth.sink.id},
 * {@code hearth.sink.filter} and {@code hearth.sink.batch.size} included, becomes a service
 * property (DS), which is how the core learns them.
 *
 * <p>A plain writer: the core retries what is answered RETRY, with backoff. While the broker is
 * unreachable or refuses the credentials every reading is answered RETRY with the reason and
 * nothing is published (the client would otherwise queue it in memory); the client reconnects by
 * itself meanwhile.
 */
// Registers its ReadingSink service itself, with only the hearth.sink.* properties: DS would publish
// every configuration property, the password among them, to anyone who can list services.
@Component(service = {}, configurationPid = MqttSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MqttSinkConfig.class, factory = true)
public final class MqttSink implements ReadingSink {

    static final String PID = "dev.hearth.sink.mqtt";
    /** Framework property naming this gateway (set by the launcher from gateway.properties). */
    static final String GATEWAY_PROPERTY = "hearth.gateway.id";
    /** How long a delivery waits for a connection that is being made before answering RETRY. */
    private static final java.time.Duration CONNECT_GRACE = java.time.Duration.ofSeconds(2);

    /** Topics parsed by the client, kept for reuse: most gateways have tens, a template with tags maybe thousands. */
    private static final int TOPIC_CACHE = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(MqttSink.class);

    private final Map<String, MqttTopic> topics = new ConcurrentHashMap<>();

    private final MqttSettings settings;
    private final BrokerClient client;
    /** {@code null} unless ha_discovery; guarded by itself. */
    private final HomeAssistantDiscovery discovery;

    /** {@code null} for a sink made by a test without a framework. */
    private final ServiceRegistration<ReadingSink> registration;

    @Activate
    public MqttSink(MqttSinkConfig config, BundleContext context) {
        this(MqttSettings.from(config, context.getProperty(GATEWAY_PROPERTY)), context, config);
    }

    MqttSink(MqttSettings settings) {
        this(settings, null, null);
    }

    private MqttSink(MqttSettings settings, BundleContext context, MqttSinkConfig config) {
        this.settings = settings;
        this.discovery = settings.haDiscovery() ? new HomeAssistantDiscovery(settings.haPrefix(), settings.gateway(),
                settings.availabilityTopic(), settings.topic()) : null;
        this.client = new BrokerClient(settings, this::connected, this::message);
        client.start();
        LOG.info("sink {}: publishing to {} as {} (topic {}, QoS {}{})", settings.sinkId(), settings.broker(),
                settings.clientId(), settings.topic().template(), settings.qos(), settings.retain() ? ", retained" : "");
        if (context == null) {
            registration = null;
        } else {
            Hashtable<String, Object> service = new Hashtable<>();
            service.put(ReadingSink.ID, settings.sinkId());
            service.put(ReadingSink.BATCH_SIZE, config.hearth_sink_batch_size());
            if (!config.hearth_sink_filter().isBlank()) service.put(ReadingSink.FILTER, config.hearth_sink_filter().trim());
            registration = context.registerService(ReadingSink.class, this, service);
        }
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) throws InterruptedException {
        if (!client.connected() && !client.awaitConnected(CONNECT_GRACE)) {
            String problem = client.problem();
            return Outcome.all(Outcome.retry(problem != null ? problem : "broker " + settings.broker() + " unreachable"), batch.size());
        }
        Outcome[] outcomes = new Outcome[batch.size()];
        int[] slot = new int[batch.size()];
        String[] sent = new String[batch.size()];
        int count = 0;
        ReadingJsonEncoder encoder = new ReadingJsonEncoder();
        // one flow for the batch: the first readings are on their way while the rest are encoded
        BrokerClient.Flow flow = client.openFlow(batch.size(), settings.qos(), settings.retain(), settings.sendWindow());
        try {
            for (int i = 0; i < outcomes.length; i++) {
                Reading r = batch.get(i);
                MqttPayload p = MqttPayload.of(r, settings.topic(), settings.gateway(), encoder);
                String refusal = p.refusal(settings.maxPayloadBytes());
                MqttTopic topic = refusal == null ? topics.get(p.topic()) : null;
                if (topic == null && refusal == null) {
                    try {
                        topic = MqttTopic.of(p.topic());
                        if (topics.size() >= TOPIC_CACHE) topics.clear();
                        topics.put(p.topic(), topic);
                    } catch (IllegalArgumentException e) {
                        refusal = "topic '" + p.topic() + "' is not a valid MQTT topic: " + e.getMessage();
                    }
                }
                if (refusal != null) {
                    outcomes[i] = Outcome.rejected(refusal);
                    continue;
                }
                if (discovery != null) announce(r, p.topic());
                slot[count] = i;
                sent[count++] = p.topic();
                flow.add(topic, p.json());
            }
        } catch (RuntimeException e) {
            flow.finish(0); // ends the flow now: what was handed over is retried with the batch
            throw e;
        }
        // the batch ends when every message is answered, or when no acknowledgement came for ack_timeout_s
        Throwable[] errors = flow.finish(settings.ackTimeout().toNanos());
        for (int m = 0; m < count; m++) outcomes[slot[m]] = outcome(errors[m], sent[m]);
        return Arrays.asList(outcomes);
    }

    private Outcome outcome(Throwable error, String topic) {
        if (error == null) return Outcome.DELIVERED;
        if (error == BatchPublish.TIMED_OUT) {
            return Outcome.retry("no acknowledgement from broker " + settings.broker() + " for "
                    + settings.ackTimeout().toSeconds() + " s");
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String problem = client.problem();
        return Outcome.retry(settings.password().mask("publish to " + topic + " failed: "
                + (problem != null ? problem : cause.getClass().getSimpleName() + ": " + cause.getMessage())));
    }

    /** Publishes discovery configs for entities not seen before; one that fails is tried again with the next reading. */
    private void announce(Reading reading, String stateTopic) {
        List<HomeAssistantDiscovery.Config> fresh;
        synchronized (discovery) {
            fresh = discovery.newEntities(reading, stateTopic);
        }
        for (HomeAssistantDiscovery.Config c : fresh) publishConfig(c, true);
    }

    private void publishConfig(HomeAssistantDiscovery.Config c, boolean forgetOnFailure) {
        client.publish(c.topic(), c.payload(), 1, true).whenComplete((ok, error) -> {
            if (error == null) return;
            LOG.debug("sink {}: discovery config {} not published: {}", settings.sinkId(), c.topic(), error.toString());
            if (forgetOnFailure) {
                synchronized (discovery) {
                    discovery.forget(c.entityKey());
                }
            }
        });
    }

    /** After every (re)connect: say online, listen for Home Assistant's birth, and re-announce (a broker may have restarted empty). */
    private void connected() {
        client.publish(settings.availabilityTopic(), BrokerClient.ONLINE, 1, true);
        if (discovery != null) {
            client.subscribe(discovery.statusTopic());
            republishDiscovery();
        }
    }

    private void message(String topic, String payload) {
        if (discovery != null && topic.equals(discovery.statusTopic()) && payload.trim().equals("online")) {
            LOG.info("sink {}: Home Assistant is online; republishing {} discovery configs", settings.sinkId(), discoveryCount());
            republishDiscovery();
        }
    }

    private void republishDiscovery() {
        List<HomeAssistantDiscovery.Config> all;
        synchronized (discovery) {
            all = discovery.all();
        }
        for (HomeAssistantDiscovery.Config c : all) publishConfig(c, false);
    }

    int discoveryCount() {
        if (discovery == null) return 0;
        synchronized (discovery) {
            return discovery.size();
        }
    }

    BrokerClient client() {
        return client;
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregisters a stopping bundle's services itself
            }
        }
        client.close();
        LOG.info("sink {}: disconnected from {}", settings.sinkId(), settings.broker());
    }
}
