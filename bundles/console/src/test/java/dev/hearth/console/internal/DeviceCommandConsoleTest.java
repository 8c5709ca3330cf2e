package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;
import dev.hearth.api.command.DeviceCommands;

class DeviceCommandConsoleTest {

    /** A device that records what it was told, and fails when told to 'jam'. */
    static final class Thermometer implements DeviceCommands {
        final List<String> received = new ArrayList<>();

        @Override
        public Set<String> devices() {
            return Set.of("bbq");
        }

        @Override
        public List<CommandSpec> commands(String device) {
            return List.of(CommandSpec.of("target", "set a probe's target", ArgumentSpec.integer("probe", true, "", 1L, 4L),
                    ArgumentSpec.decimal("celsius", true, "", 0.0, 300.0)), CommandSpec.of("jam", "always fails"));
        }

        @Override
        public CompletionStage<String> execute(String device, String command, Map<String, String> args) {
            received.add(command + " " + args);
            if (command.equals("jam")) return CompletableFuture.failedFuture(new java.io.IOException("link lost"));
            return CompletableFuture.completedFuture("probe " + args.get("probe") + " target " + args.get("celsius") + " °C");
        }
    }

    final Thermometer bbq = new Thermometer();
    final DeviceCommandConsole console = new DeviceCommandConsole(List.of(bbq));

    @Test
    void listsDevicesCommandsAndArguments() {
        String out = console.commands();
        assertTrue(out.contains("bbq\n  target probe=integer 1..4 celsius=decimal 0..300    set a probe's target"), out);
        assertTrue(new DeviceCommandConsole(List.of()).commands().contains("no device takes commands"));
    }

    @Test
    void runsAValidatedCommandAndPrintsTheAnswer() {
        assertEquals("bbq: probe 2 target 95.5 °C\n", console.command("bbq", "target", "probe=2", "celsius=95.50"));
        assertEquals(List.of("target {probe=2, celsius=95.5}"), bbq.received);
    }

    @Test
    void badRequestsNeverReachTheDevice() {
        assertTrue(console.command("bbq", "target", "probe=9", "celsius=90").contains("above the maximum 4"));
        assertTrue(console.command("bbq", "target", "probe=1").contains("needs argument 'celsius'"));
        assertTrue(console.command("bbq", "target", "probe").contains("not key=value"));
        assertTrue(console.command("bbq", "target", "probe=1", "probe=2", "celsius=1").contains("given twice"));
        assertTrue(console.command("bbq", "fly").contains("has no command 'fly'; it takes [jam, target]"));
        assertTrue(console.command("smoker", "target").contains("no device 'smoker'"));
        assertTrue(bbq.received.isEmpty(), "nothing was sent: " + bbq.received);
    }

    @Test
    void aFailingDeviceSaysWhy() {
        assertEquals("bbq: jam failed: link lost\n", console.command("bbq", "jam"));
    }
}
