package dev.hearth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;
import dev.hearth.api.command.OneDeviceCommands;

class OneDeviceCommandsTest {

    static final List<CommandSpec> SPECS = List.of(
            CommandSpec.of("sleep", "sleep", ArgumentSpec.integer("minutes", false, "how long", 1L, 60L)),
            CommandSpec.of("wake", "wake"));

    /** Records what reaches the driver's own execute. */
    static final class Sensor implements OneDeviceCommands {
        String device = "hall";
        final List<String> ran = new ArrayList<>();

        @Override
        public String device() {
            return device;
        }

        @Override
        public List<CommandSpec> commandSpecs() {
            return SPECS;
        }

        @Override
        public CompletionStage<String> execute(String command, Map<String, String> validArgs) {
            ran.add(command + " " + validArgs);
            return CompletableFuture.completedFuture("done");
        }
    }

    @Test
    void answersForItsOneDevice() {
        Sensor s = new Sensor();
        assertEquals(Set.of("hall"), s.devices());
        assertEquals(SPECS, s.commands("hall"));
        assertEquals(List.of(), s.commands("kitchen"));
        assertEquals(List.of(), s.commands(null));
        s.device = "renamed"; // a driver may adopt another id (a Kasa plug's alias): the answers follow
        assertEquals(Set.of("renamed"), s.devices());
        assertEquals(List.of(), s.commands("hall"));
    }

    @Test
    void passesNormalisedArgumentsOn() throws Exception {
        Sensor s = new Sensor();
        assertEquals("done", s.execute("hall", "sleep", Map.of("minutes", " 5.0 ")).toCompletableFuture().get());
        assertEquals("done", s.execute("hall", "wake", null).toCompletableFuture().get());
        assertEquals(List.of("sleep {minutes=5}", "wake {}"), s.ran);
    }

    @Test
    void refusesAnotherDeviceAndBadArgumentsBeforeTheDriverSeesThem() {
        Sensor s = new Sensor();
        assertRefused(s.execute("kitchen", "wake", Map.of()), "unknown device 'kitchen' (this is 'hall')");
        assertRefused(s.execute(null, "wake", Map.of()), "unknown device 'null'");
        assertRefused(s.execute("hall", "explode", Map.of()), "unknown command 'explode'; commands are sleep, wake");
        assertRefused(s.execute("hall", "sleep", Map.of("minutes", "9999")), "minutes");
        assertRefused(s.execute("hall", "sleep", Map.of("minutes", "5", "extra", "x")), "no argument 'extra'");
        assertRefused(s.execute("hall", "wake", Map.of("minutes", "x".repeat(100_000))), "no argument 'minutes'");
        assertEquals(List.of(), s.ran);
    }

    private static void assertRefused(CompletionStage<String> result, String messagePart) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> result.toCompletableFuture().get());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains(messagePart), e.getCause().getMessage());
    }
}
