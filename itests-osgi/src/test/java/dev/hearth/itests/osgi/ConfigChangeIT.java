package dev.hearth.itests.osgi;

import static dev.hearth.itests.osgi.Hearth.assertSeqs;
import static dev.hearth.itests.osgi.Hearth.dict;
import static dev.hearth.itests.osgi.Hearth.seqs;
import static org.junit.Assert.assertEquals;
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
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.testkit.RecordingSink;

/** A ConfigAdmin update reconfigures a running driver; deleting the configuration stops it. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigChangeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private GatewayStatus status;

    @Configuration
    public Option[] config() {
        return options(HearthOptions.base("config-change"));
    }

    @Test
    public void deviceRenamedThroughConfigAdmin() throws Exception {
        RecordingSink sink = new RecordingSink();
        ServiceRegistration<ReadingSink> reg = context.registerService(ReadingSink.class, sink, dict(ReadingSink.ID, "rec"));
        try {
            context.installBundle(HearthOptions.url("hearth-driver-loadgen")).start();
            org.osgi.service.cm.Configuration cfg = configAdmin.createFactoryConfiguration("dev.hearth.driver.loadgen", "?");
            cfg.update(dict("device", "before", "rate_per_second", 500, "batch_size", 10));

            Poll.until("30 readings from 'before'", TIMEOUT, sink::delivered, d -> count(d, "before") >= 30);
            assertEquals("nothing from 'after' yet", 0, count(sink.delivered(), "after"));

            // the same configuration, a new device name: the running generator is replaced
            cfg.update(dict("device", "after", "rate_per_second", 500, "batch_size", 10));
            List<Reading> got = Poll.until("30 readings from 'after'", TIMEOUT, sink::delivered, d -> count(d, "after") >= 30);

            // the old generator stopped before the new one started: no 'before' after the first 'after'
            int firstAfter = indexOfFirst(got, "after");
            List<Reading> tail = got.subList(firstAfter, got.size());
            assertTrue("only 'after' readings once the change took effect",
                    tail.stream().allMatch(r -> r.device().equals("after")));
            List<Long> before = seqs(got.subList(0, firstAfter));
            assertSeqs("'before'", 1, before.size(), before);
            // a new run (no ack_file) starts again at 1
            List<Long> after = seqs(tail);
            assertSeqs("'after'", 1, after.size(), after);

            Poll.until("'before' OFFLINE, 'after' ONLINE", TIMEOUT, status::devices,
                    d -> state("before") == DeviceState.OFFLINE && state("after") == DeviceState.ONLINE);

            // deleting the configuration stops the generator
            cfg.delete();
            Poll.until("'after' OFFLINE once its configuration is deleted", TIMEOUT, status::devices,
                    d -> state("after") == DeviceState.OFFLINE);
            long accepted = Hearth.device(status, "after").get().readings();
            Poll.until("every accepted reading delivered", TIMEOUT, sink::delivered, d -> count(d, "after") == accepted);
        } finally {
            reg.unregister();
        }
    }

    private DeviceState state(String device) {
        return Hearth.device(status, device).map(d -> d.state()).orElse(null);
    }

    private static long count(List<Reading> readings, String device) {
        return readings.stream().filter(r -> r.device().equals(device)).count();
    }

    private static int indexOfFirst(List<Reading> readings, String device) {
        for (int i = 0; i < readings.size(); i++) {
            if (readings.get(i).device().equals(device)) return i;
        }
        return -1;
    }
}
