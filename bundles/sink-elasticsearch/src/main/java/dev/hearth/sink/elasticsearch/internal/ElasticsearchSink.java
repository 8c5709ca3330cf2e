package dev.hearth.sink.elasticsearch.internal;

import java.util.List;

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
 * Its {@code hearth.sink.id}, {@code hearth.sink.filter} and {@code hearth.sink.batch.size} reach
 * the service registration because DS publishes configuration properties as service properties;
 * the batch size defaults to 1000 here (the core's default is 500) because _bulk likes big batches.
 */
@Component(service = ReadingSink.class, configurationPid = ElasticsearchSink.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = ReadingSink.BATCH_SIZE + ":Integer=1000")
@Designate(ocd = ElasticsearchSinkConfig.class, factory = true)
public final class ElasticsearchSink implements ReadingSink {

    static final String PID = "dev.hearth.sink.elasticsearch";

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSink.class);

    private final ElasticsearchWriter writer;

    /** Refuses a bad configuration with the reason (DS logs it); nothing is sent at activation. */
    @Activate
    public ElasticsearchSink(ElasticsearchSinkConfig config) {
        SinkSettings settings = SinkSettings.from(config);
        writer = new ElasticsearchWriter(settings);
        LOG.info("sink {}: writing to {} at {}", settings.id(),
                settings.dataStream() ? "data stream " + settings.indexPrefix() : settings.indexPrefix() + "-yyyy.MM.dd",
                settings.urls());
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) {
        return writer.deliver(batch);
    }

    @Deactivate
    void deactivate() {
        writer.close();
    }
}
