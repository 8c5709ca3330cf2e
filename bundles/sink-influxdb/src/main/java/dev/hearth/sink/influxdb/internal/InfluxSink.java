package dev.hearth.sink.influxdb.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
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
import dev.hearth.sink.influxdb.internal.InfluxSettings.Api;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;
import dev.hearth.support.net.Secret;
import dev.hearth.support.net.TlsTrust;

/**
 * One InfluxDB sink per factory configuration of {@code dev.hearth.sink.influxdb}.
 *
 * <p>The component registers its {@link ReadingSink} service itself instead of through
 * {@code @Component(service=...)}: the core names each sink's durable cursor by the
 * {@code hearth.sink.id} service property, and DS can only publish configuration properties as
 * they are, not an id computed from them. Without it every instance would fall back to the same
 * {@code component.name} and share one cursor. The id is {@code hearth.sink.id} if configured,
 * else {@code influxdb-<name>}, where the name is the {@code name} key or the configuration's
 * instance name ({@code dev.hearth.sink.influxdb~garage} or the file
 * {@code dev.hearth.sink.influxdb-garage.cfg}), both stable across restarts.
 */
@Component(configurationPid = InfluxSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = InfluxSinkConfig.class, factory = true)
public final class InfluxSink implements ReadingSink {

    static final String PID = "dev.hearth.sink.influxdb";
    /** Set by FileInstall on configurations it created from a file. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private static final Logger LOG = LoggerFactory.getLogger(InfluxSink.class);

    private final InfluxSettings settings;
    private final InfluxWriter writer;
    private final ServiceRegistration<ReadingSink> registration;

    @Activate
    public InfluxSink(InfluxSinkConfig config, Map<String, Object> properties, BundleContext context) {
        String sinkId = sinkId(config.hearth_sink_id(), config.name(), properties);
        try {
            settings = settings(sinkId, config);
        } catch (IllegalArgumentException e) {
            LOG.error("InfluxDB sink configuration refused: {}", e.getMessage());
            throw e;
        }
        writer = new InfluxWriter(settings, Clock.systemUTC());
        Hashtable<String, Object> service = new Hashtable<>();
        service.put(ReadingSink.ID, sinkId);
        service.put(ReadingSink.BATCH_SIZE, coreBatchSize(settings.batchSize()));
        service.put(ReadingSink.BATCH_LINGER_MS, Math.max(0, config.hearth_sink_batch_linger__ms()));
        String filter = config.hearth_sink_filter();
        if (filter != null && !filter.isBlank()) service.put(ReadingSink.FILTER, filter.trim());
        registration = context.registerService(ReadingSink.class, this, service);
        LOG.info("sink {} writes to {} (api {}, precision {}, gzip {}{})", sinkId, settings.url(),
                settings.api().name().toLowerCase(), settings.precision().parameter(), settings.gzip(),
                settings.tls() == null ? "" : ", trusting " + settings.tls());
    }

    /** For tests: a sink on settings, not registered anywhere. */
    InfluxSink(InfluxSettings settings, Clock clock) {
        this.settings = settings;
        this.writer = new InfluxWriter(settings, clock);
        this.registration = null;
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) {
        return writer.write(batch);
    }

    /** For tests. */
    InfluxWriter writer() {
        return writer;
    }

    /** The next batch's first request is encoded and compressed while this one is at the server. */
    @Override
    public void prepare(List<Reading> upcoming) {
        writer.prepare(upcoming);
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        writer.close(); // waits for a write in progress; its deflater's native memory is freed now, not by a cleaner later
        // java.net.http.HttpClient has no close() on Java 17; its selector thread ends once the client is unreachable
    }

    /**
     * Requests' worth of lines the core hands over per deliver() call. With two, the writer
     * encodes and compresses the next request while the server takes the current one; measured
     * on a 1M-reading replay into InfluxDB 1.6 (2 cores, the gateway's 128 MB serial-GC heap) the
     * overlap was eaten by the collector copying twice as many readings in flight: the same
     * rate, 18 MB more RSS. One, until readings cost less to hold (see the README).
     */
    static final int REQUESTS_PER_DELIVERY = 1;

    /** The core's batch: {@link #REQUESTS_PER_DELIVERY} requests' worth of lines. */
    static int coreBatchSize(int linesPerRequest) {
        return (int) Math.min(Integer.MAX_VALUE, (long) linesPerRequest * REQUESTS_PER_DELIVERY);
    }

    static String sinkId(String configuredId, String name, Map<String, Object> properties) {
        if (configuredId != null && !configuredId.isBlank()) return configuredId.trim();
        if (name != null && !name.isBlank()) return "influxdb-" + name.trim();
        String pid = string(properties.get(Constants.SERVICE_PID));
        if (pid != null && pid.contains("~")) return "influxdb-" + pid.substring(pid.indexOf('~') + 1);
        String file = string(properties.get(FILEINSTALL_FILENAME));
        if (file != null) {
            String base = file.replaceAll("^.*/", "").replaceAll("\\.(cfg|config)(\\.disabled)?$", "");
            if (base.startsWith(PID + "-")) return "influxdb-" + base.substring(PID.length() + 1);
        }
        throw new IllegalArgumentException("cannot tell this instance's name from " + pid
                + "; set name (or hearth.sink.id) so that its cursor survives restarts");
    }

    static InfluxSettings settings(String sinkId, InfluxSinkConfig c) {
        String prefix = "sink " + sinkId + ": ";
        URI url;
        try {
            url = new URI(c.url() == null ? "" : c.url().trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(prefix + "url '" + c.url() + "' is not a URL: " + e.getReason());
        }
        if (c.url() == null || c.url().isBlank()) throw new IllegalArgumentException(prefix + "url is required");
        if (!c.password().isEmpty() && !c.password__file().isBlank()) throw new IllegalArgumentException(prefix + "give password or password_file, not both");
        if (!c.token().isEmpty() && !c.token__file().isBlank()) throw new IllegalArgumentException(prefix + "give token or token_file, not both");
        TlsTrust tls = null;
        if ("https".equalsIgnoreCase(url.getScheme())) {
            try {
                tls = TlsTrust.of(c.ca__file(), c.tls__sha256());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(prefix + e.getMessage(), e);
            }
        } else if (!c.ca__file().isBlank() || !c.tls__sha256().isBlank()) {
            throw new IllegalArgumentException(prefix + "ca_file and tls_sha256 need an https url");
        }
        Secret password;
        Secret token;
        try {
            password = Secret.resolve(c.password(), c.password__file());
            token = Secret.resolve(c.token(), c.token__file());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
        Api api;
        Precision precision;
        try {
            api = Api.parse(c.api());
            precision = Precision.parse(c.precision());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
        return new InfluxSettings(sinkId, url, api, c.database(), c.retention__policy(), c.org(), c.bucket(),
                c.username(), password, token, precision, c.gzip(), Duration.ofSeconds(c.timeout__seconds()),
                tls, c.device__tag(), c.hearth_sink_batch_size());
    }

    private static String string(Object v) {
        if (v instanceof String[] a) return a.length == 0 ? null : a[0];
        return v == null ? null : v.toString();
    }
}
