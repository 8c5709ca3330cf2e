/**
 * The MQTT sink: {@link dev.hearth.sink.mqtt.internal.MqttSink} (the DS component),
 * {@link dev.hearth.sink.mqtt.internal.MqttPayload} and {@link dev.hearth.sink.mqtt.internal.TopicTemplate}
 * (what is published where, no OSGi), {@link dev.hearth.sink.mqtt.internal.HomeAssistantDiscovery}
 * (discovery configs, no OSGi) and {@link dev.hearth.sink.mqtt.internal.BrokerClient} (the HiveMQ
 * client, from bundle mqtt-support, which also builds and configures it). Not exported.
 */
package dev.hearth.sink.mqtt.internal;
