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
}
