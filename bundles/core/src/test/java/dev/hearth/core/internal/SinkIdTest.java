package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SinkIdTest {

    @Test
    void factoryInstancesGetTheirOwnCursors() {
        assertEquals("es-bbq", CoreComponent.sinkId(Map.of("hearth.sink.id", "es-bbq", "service.pid", "x", "component.name", "y")));
        assertEquals("dev.hearth.sink.mqtt~home", CoreComponent.sinkId(Map.of("service.pid", "dev.hearth.sink.mqtt~home",
                "component.name", "dev.hearth.sink.mqtt")), "not the component name every instance shares");
        assertEquals("dev.hearth.sink.file", CoreComponent.sinkId(Map.of("component.name", "dev.hearth.sink.file")));
        assertEquals("first", CoreComponent.sinkId(Map.of("hearth.sink.id", new String[] { "first", "second" })));
        assertEquals("service-42", CoreComponent.sinkId(Map.of("service.id", 42L)));
    }

    @Test
    void aSinksBatchPropertiesAreNumbersOrIgnored() {
        String linger = "hearth.sink.batch.linger_ms";
        assertEquals(250, CoreComponent.intProp(linger, 250, 0));
        assertEquals(300, CoreComponent.intProp(linger, " 300 ", 0), "a configuration file's string, trimmed");
        assertEquals(0, CoreComponent.intProp(linger, -5, 0), "no negative wait");
        assertEquals(0, CoreComponent.intProp(linger, "-5", 0));
        assertEquals(1, CoreComponent.intProp("hearth.sink.batch.size", 0, 1), "a batch holds at least one reading");
        assertEquals(2, CoreComponent.intProp(linger, 2.9, 0), "a fraction is cut");
        assertEquals(null, CoreComponent.intProp(linger, "soon", 0), "not a number: ignored (and logged), the default applies");
        assertEquals(null, CoreComponent.intProp(linger, "", 0));
        assertEquals(null, CoreComponent.intProp(linger, "99999999999", 0), "beyond an int");
        assertEquals(null, CoreComponent.intProp(linger, new int[] { 1 }, 0), "an array is not a number");
        assertEquals(null, CoreComponent.intProp(linger, null, 0));
    }
}
