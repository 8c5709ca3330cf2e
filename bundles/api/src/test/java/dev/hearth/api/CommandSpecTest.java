package dev.hearth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;

class CommandSpecTest {

    final CommandSpec target = CommandSpec.of("target", "set a probe's target",
            ArgumentSpec.integer("probe", true, "probe number", 1L, 6L),
            ArgumentSpec.decimal("celsius", true, "target", -50.0, 300.0),
            ArgumentSpec.choice("unit", false, "display unit", "C", "F"),
            ArgumentSpec.bool("alarm", false, "sound the alarm"),
            ArgumentSpec.text("label", false, "a name"));

    @Test
    void normalisesValidArguments() {
        Map<String, String> out = target.validate(Map.of("probe", " 2 ", "celsius", "95.50", "unit", "f", "alarm", "TRUE", "label", "brisket"));
        assertEquals(Map.of("probe", "2", "celsius", "95.5", "unit", "F", "alarm", "true", "label", "brisket"), out);
        assertEquals("3", target.validate(Map.of("probe", "3.0", "celsius", "1e2")).get("probe"));
        assertEquals("100", target.validate(Map.of("probe", "3", "celsius", "1e2")).get("celsius"));
    }

    @Test
    void refusesWhatDoesNotFitWithTheReason() {
        assertMessage("needs argument 'celsius'", Map.of("probe", "1"));
        assertMessage("no argument 'colour'", Map.of("probe", "1", "celsius", "5", "colour", "red"));
        assertMessage("expected an integer", Map.of("probe", "1.5", "celsius", "5"));
        assertMessage("above the maximum 6", Map.of("probe", "7", "celsius", "5"));
        assertMessage("below the minimum -50", Map.of("probe", "1", "celsius", "-51"));
        assertMessage("expected a number", Map.of("probe", "1", "celsius", "NaN"));
        assertMessage("expected a number", Map.of("probe", "1", "celsius", "Infinity"));
        assertMessage("expected one of [C, F]", Map.of("probe", "1", "celsius", "5", "unit", "K"));
        assertMessage("expected true or false", Map.of("probe", "1", "celsius", "5", "alarm", "yes"));
        assertMessage("control characters", Map.of("probe", "1", "celsius", "5", "label", "a\u0000b"));
        assertMessage("longer than 256", Map.of("probe", "1", "celsius", "5", "label", "x".repeat(10_000)));
    }

    @Test
    void hostileNumbersAreRefusedCheaply() {
        // Without a bound these would expand into a billion digits.
        assertMessage("out of range", Map.of("probe", "1e999999999", "celsius", "5"));
        assertMessage("too many decimal places", Map.of("probe", "1", "celsius", "1e-999999999"));
        CommandSpec unbounded = CommandSpec.of("n", "", ArgumentSpec.integer("n", true, "", null, null));
        assertThrows(IllegalArgumentException.class, () -> unbounded.validate(Map.of("n", "99999999999999999999")));
        assertEquals("-9223372036854775807", unbounded.validate(Map.of("n", "-9223372036854775807")).get("n"));
    }

    @Test
    void findsTheCommandAmongSeveral() {
        java.util.List<CommandSpec> commands = java.util.List.of(CommandSpec.of("on", "switch on"), target);
        assertEquals("2", CommandSpec.validate(commands, "target", Map.of("probe", "2", "celsius", "9")).get("probe"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandSpec.validate(commands, "off", Map.of()));
        assertEquals("unknown command 'off'; commands are on, target", e.getMessage());
    }

    @Test
    void nullArgumentsAreNoArguments() {
        CommandSpec on = CommandSpec.of("on", "switch on");
        assertTrue(on.validate(null).isEmpty());
        Map<String, String> withNull = new HashMap<>();
        withNull.put("probe", null);
        assertMessage("needs argument 'probe'", withNull);
    }

    private void assertMessage(String expected, Map<String, String> args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.validate(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
