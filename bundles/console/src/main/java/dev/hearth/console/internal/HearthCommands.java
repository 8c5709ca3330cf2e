package dev.hearth.console.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.hearth.api.ReadingPublisher;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.SinkStatus;

/**
 * The Gogo commands of scope {@code hearth}. Gogo calls the public methods by name; each returns
 * the text to print. The data comes from the core's {@link GatewayStatus}; the commands stay
 * registered while the core is stopped or being updated, and then say so instead of failing.
 */
@Component(service = Object.class, property = { // Gogo finds commands by these properties, whatever the type
        "osgi.command.scope=hearth",
        "osgi.command.function=status",
        "osgi.command.function=devices",
        "osgi.command.function=sinks",
        "osgi.command.function=tail",
        "osgi.command.function=deadletters" })
public final class HearthCommands {

    /** Default number of readings {@code tail} and dead letters {@code deadletters} show. */
    static final int DEFAULT_COUNT = 20;
    /** The most {@code tail} and {@code deadletters} show at once. */
    static final int MAX_COUNT = 10_000;

    /** Printed instead of a report while there is no {@link GatewayStatus} service. */
    static final String CORE_NOT_RUNNING = "core is not running (no GatewayStatus service): no devices, sinks or readings to show\n";

    /** Optional and dynamic: the console is most useful exactly when the core is missing or failing. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile GatewayStatus gateway;

    private final BundleContext context;
    private final Clock clock;

    @Activate
    public HearthCommands(BundleContext context) {
        this(null, context, Clock.systemUTC());
    }

    HearthCommands(GatewayStatus gateway, BundleContext context, Clock clock) {
        this.gateway = gateway;
        this.context = context;
        this.clock = clock;
    }

    /** Version, gateway id, uptime, bundles, drivers, devices, sinks and the journal. */
    public String status() {
        GatewayStatus g = gateway;
        if (g == null) {
            return Reports.statusWithoutCore(property("hearth.version"), property("hearth.gateway.id"), bundles());
        }
        return Reports.status(property("hearth.version"), property("hearth.gateway.id"), g.startedAt(), clock.instant(),
                bundles(), drivers(), g.devices(), g.sinks(), g.journal());
    }

    /** Every device: state, counts, last reading, last error. */
    public String devices() {
        GatewayStatus g = gateway;
        return g == null ? CORE_NOT_RUNNING : Reports.devices(g.devices(), clock.instant());
    }

    /** Every sink: up or down, backlog, counters, latency, last error. */
    public String sinks() {
        GatewayStatus g = gateway;
        return g == null ? CORE_NOT_RUNNING : Reports.sinks(g.sinks(), clock.instant());
    }

    /** The 20 most recent readings. */
    public String tail() {
        return tail(DEFAULT_COUNT);
    }

    /** The {@code n} most recent readings, oldest first. */
    public String tail(int n) {
        int max = count(n);
        GatewayStatus g = gateway;
        return g == null ? CORE_NOT_RUNNING : Reports.tail(g.recent(max));
    }

    /** The 20 most recent dead letters of a sink. */
    public String deadletters(String sink) {
        return deadletters(sink, DEFAULT_COUNT);
    }

    /** The {@code n} most recent dead letters of a sink, newest first. */
    public String deadletters(String sink, int n) {
        int max = count(n);
        GatewayStatus g = gateway;
        if (g == null) return CORE_NOT_RUNNING;
        List<SinkStatus> sinks = g.sinks();
        if (sinks.stream().noneMatch(s -> s.id().equals(sink))) {
            List<String> ids = sinks.stream().map(s -> Text.clean(s.id(), 60)).toList();
            throw new IllegalArgumentException("no sink '" + Text.clean(sink, 60) + "'; sinks: "
                    + (ids.isEmpty() ? "none" : String.join(", ", ids)));
        }
        return Reports.deadLetters(sink, g.deadLetters(sink, max), clock.instant());
    }

    private static int count(int n) {
        if (n < 1 || n > MAX_COUNT) throw new IllegalArgumentException("n must be 1.." + MAX_COUNT + ", was " + n);
        return n;
    }

    private String property(String key) {
        String v = context == null ? null : context.getProperty(key);
        return v == null || v.isEmpty() ? "unknown" : v;
    }

    /** The drivers: bundles that hold the core's {@link ReadingPublisher}, by name and version. */
    private List<String> drivers() {
        if (context == null) return List.of();
        TreeSet<String> names = new TreeSet<>();
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(ReadingPublisher.class.getName(), null);
            for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
                Bundle[] using = r.getUsingBundles();
                for (Bundle b : using == null ? new Bundle[0] : using) names.add(b.getSymbolicName() + " " + b.getVersion());
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // no filter given
        }
        return List.copyOf(names);
    }

    private List<BundleSummary> bundles() {
        List<BundleSummary> out = new ArrayList<>();
        if (context == null) return out;
        for (Bundle b : context.getBundles()) {
            out.add(new BundleSummary(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(), state(b.getState()),
                    b.getHeaders("").get(Constants.FRAGMENT_HOST) != null));
        }
        return out;
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
