/**
 * The MQTT input driver: {@link dev.hearth.driver.mqtt.internal.MqttInputDriver} (the DS
 * component), {@link dev.hearth.driver.mqtt.internal.InputConnection} (the HiveMQ client from bundle
 * mqtt-support, with manual acknowledgement), {@link dev.hearth.driver.mqtt.internal.AckBatcher}
 * (acknowledge after commit), and the OSGi-free mapping:
 * {@link dev.hearth.driver.mqtt.internal.Zigbee2MqttMapper},
 * {@link dev.hearth.driver.mqtt.internal.GenericJsonMapper},
 * {@link dev.hearth.driver.mqtt.internal.MessageIntake}. Not exported.
 */
package dev.hearth.driver.mqtt.internal;
