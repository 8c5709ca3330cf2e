package dev.hearth.sink.prometheus.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;

import jakarta.servlet.Servlet;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.GatewayStatus;

/**
 * A sink that keeps the latest value of every series and serves them, with the gateway's own
 * metrics, to Prometheus scrapes through the HTTP whiteboard.
 *
 * <p>The servlet is registered by hand rather than as a second component so that its path comes
 * from this component's configuration and both share one registry. Immediate, so /metrics
 * answers (hearth_up, self-metrics) even before the core first asks for the sink.
 */
@Component(configurationPid = PrometheusSink.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        property = ReadingSink.ID + "=prometheus")
@Designate(ocd = PrometheusSinkConfig.class)
public final class PrometheusSink implements ReadingSink {

    static final String PID = "dev.hearth.sink.prometheus";
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSink.class);

    private final PrometheusRegistry registry;
    private final String deviceLabel;
    private final ServiceRegistration<Servlet> servlet;

    /** Optional and dynamic: without the core the sink still serves readings and hearth_up. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayStatus gateway;

    @Activate
    public PrometheusSink(PrometheusSinkConfig config, BundleContext context) {
        String path = config.path().isBlank() ? "/metrics" : config.path().trim();
        if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with /, is '" + path + "'");
        String prefix = config.prefix().trim();
        if (!prefix.isEmpty() && !PrometheusText.metricName(prefix).equals(prefix)) {
            throw new IllegalArgumentException("prefix '" + prefix + "' is not a valid start of a metric name; try '"
                    + PrometheusText.metricName(prefix) + "'");
        }
        String label = config.device__label().isBlank() ? "device" : config.device__label().trim();
        if (!PrometheusText.labelName(label).equals(label)) {
            throw new IllegalArgumentException("device_label '" + label + "' is not a valid label name");
        }
        this.deviceLabel = label;
        this.registry = new PrometheusRegistry(prefix, label, Duration.ofSeconds(config.stale__seconds()),
                config.max__series(), SelfMetrics.NAMES, Clock.systemUTC());

        Hashtable<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, path);
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "hearth-prometheus");
        this.servlet = context.registerService(Servlet.class, new MetricsServlet(this::scrape), props);
        LOG.info("Prometheus metrics at {} (label {}, prefix '{}', max {} series)", path, label, prefix, config.max__series());
    }

    @Deactivate
    void deactivate() {
        try {
            servlet.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle is stopping and the framework unregistered it first
        }
    }

    @Override
    public List<Outcome> deliver(List<Reading> batch) {
        return registry.accept(batch);
    }

    String scrape() {
        return MetricsServlet.render(SelfMetrics.of(gateway, registry.stats(), deviceLabel), registry.snapshot());
    }
}
