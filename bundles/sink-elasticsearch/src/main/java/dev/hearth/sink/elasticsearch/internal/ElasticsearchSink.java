package dev.hearth.sink.elasticsearch.internal;

import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;

/**
 * One Elasticsearch sink per factory configuration ({@code config/dev.hearth.sink.elasticsearch-<name>.cfg}).
 *
 * <p>The component registers its {@link ReadingSink} service itself, with only
 * {@code hearth.sink.id}, {@code hearth.sink.filter} and {@code hearth.sink.batch.size}: DS would
 * publish every configuration property, the password and API key among them, to anyone who can
 * list services (the web console, Gogo's {@code inspect}). The batch size defaults to 1000 here
 * (the core's default is 500) because _bulk likes big batches.
 */
@Component(service = {}, configurationPid = ElasticsearchSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = ElasticsearchSinkConfig.class, factory = true)
public final class ElasticsearchSink implements ReadingSink {

    static final String PID = "dev.hearth.sink.elasticsearch";

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSink.class);

    private final ElasticsearchWriter writer;
    private final ServiceRegistration<ReadingSink> registration;

    /** Refuses a bad configuration with the reason (DS logs it); nothing is sent at activation. */
    @Activate
    public ElasticsearchSink(ElasticsearchSinkConfig config, BundleContext context) {
        SinkSettings settings = SinkSettings.from(config);
        writer = new ElasticsearchWriter(settings);
        Hashtable<String, Object> service = new Hashtable<>();
        service.put(ReadingSink.ID, settings.id());
        service.put(ReadingSink.BATCH_SIZE, config.hearth_sink_batch_size());
        service.put(ReadingSink.BATCH_LINGER_MS, Math.max(0, config.hearth_sink_batch_linger__ms()));
        if (!config.hearth_sink_filter().isBlank()) service.put(ReadingSink.FILTER, config.hearth_sink_filter().trim());
        registration = context.registerService(ReadingSink.class, this, service);
        LOG.info("sink {}: writing to {} at {}", settings.id(),
                settings.dataStream() ? "data stream " + settings.indexPrefix() : settings.indexPrefix() + "-yyyy.MM.dd",
                settings.urls());
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) {
        return writer.deliver(batch);
    }

    /** The next batch is encoded (ids, lines) while this one is at the server. */
    @Override
    public void prepare(List<Reading> upcoming) {
        writer.prepare(upcoming);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework unregisters a stopping bundle's services itself
        }
        writer.close();
    }
}
