package dev.hearth.itests.osgi;

import static dev.hearth.itests.osgi.Hearth.assertSeqs;
import static dev.hearth.itests.osgi.Hearth.dict;
import static dev.hearth.itests.osgi.Hearth.seqs;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Duration;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.testkit.RecordingSink;

/** Readings flow from a driver installed at run time, through the journal, to two sinks alike. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReadingsFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int COUNT = 2000;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private GatewayStatus status;

    @Configuration
    public Option[] config() {
        return options(HearthOptions.base("flow"));
    }

    @Test
    public void loadgenReadingsReachBothSinksInOrder() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        ServiceRegistration<ReadingSink> ra = context.registerService(ReadingSink.class, a, dict(ReadingSink.ID, "rec-a"));
        ServiceRegistration<ReadingSink> rb = context.registerService(ReadingSink.class, b, dict(ReadingSink.ID, "rec-b"));
        try {
            Poll.until("both sinks registered with the core", TIMEOUT, status::sinks,
                    s -> Hearth.sink(status, "rec-a").map(x -> x.registered()).orElse(false)
                            && Hearth.sink(status, "rec-b").map(x -> x.registered()).orElse(false));

            Bundle loadgen = context.installBundle(HearthOptions.url("hearth-driver-loadgen"));
            loadgen.start();

            org.osgi.service.cm.Configuration cfg = configAdmin.getFactoryConfiguration("dev.hearth.driver.loadgen", "flow", "?");
            cfg.update(dict("device", "flow-1", "rate_per_second", 0, "batch_size", 50, "count", (long) COUNT));

            List<Reading> gotA = a.await(COUNT, TIMEOUT);
            List<Reading> gotB = b.await(COUNT, TIMEOUT);

            // the generator stops at count: it reports OFFLINE, and neither sink has anything left to get
            Poll.until("flow-1 OFFLINE after count", TIMEOUT, () -> Hearth.device(status, "flow-1"),
                    d -> d.isPresent() && d.get().state() == DeviceState.OFFLINE);
            Poll.until("both sinks caught up", TIMEOUT, status::sinks,
                    s -> Hearth.sink(status, "rec-a").get().backlog() == 0 && Hearth.sink(status, "rec-b").get().backlog() == 0);
            gotA = a.delivered();
            gotB = b.delivered();

            assertSeqs("rec-a", 1, COUNT, seqs(gotA));
            assertSeqs("rec-b", 1, COUNT, seqs(gotB));
            assertTrue("both sinks get the same readings", gotA.equals(gotB));
            assertTrue("with the same ids", gotA.stream().map(Reading::id).toList().equals(gotB.stream().map(Reading::id).toList()));
            for (Reading r : gotA) {
                assertEquals("flow-1", r.device());
                assertEquals("load", r.measurement());
                assertEquals(loadgen.getVersion().toString(), r.tags().get("bundle_version"));
            }
            assertEquals(COUNT, Hearth.device(status, "flow-1").get().readings());
            assertNotEquals("delivered in more than one batch (batch_size 50)", 1, a.batches().size());
        } finally {
            ra.unregister();
            rb.unregister();
        }
    }
}
