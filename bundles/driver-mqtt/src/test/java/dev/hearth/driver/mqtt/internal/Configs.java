package dev.hearth.driver.mqtt.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** A config annotation instance as DS would make it: given keys (by method name) over the annotation's defaults. */
final class Configs {

    private Configs() {
    }

    static MqttInputConfig input(Map<String, Object> values) {
        return (MqttInputConfig) Proxy.newProxyInstance(Configs.class.getClassLoader(), new Class<?>[] { MqttInputConfig.class },
                (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) return values.get(method.getName());
                    if (method.getName().equals("annotationType")) return MqttInputConfig.class;
                    return method.getDefaultValue();
                });
    }

    static MqttInputSettings settings(Map<String, Object> values) {
        return MqttInputSettings.from(input(values), "gw1", "test");
    }
}
