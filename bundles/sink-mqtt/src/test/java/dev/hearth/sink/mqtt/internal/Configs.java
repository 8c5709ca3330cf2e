package dev.hearth.sink.mqtt.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A config annotation instance as DS would make it: given keys (by method name) over the annotation's defaults. */
final class Configs {

    private Configs() {
    }

    static MqttSinkConfig mqtt(Map<String, Object> values) {
        return (MqttSinkConfig) Proxy.newProxyInstance(Configs.class.getClassLoader(), new Class<?>[] { MqttSinkConfig.class },
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) return values.get(method.getName());
                    if (method.getName().equals("annotationType")) return MqttSinkConfig.class;
                    return method.getDefaultValue();
                });
    }
}
