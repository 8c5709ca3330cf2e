package dev.hearth.driver.mqtt.internal;

import java.time.Instant;

/** Turns one MQTT message into its meaning. Implementations have no OSGi and no I/O, and never throw on bad input. */
interface MessageMapper {

    /**
     * @param topic the message's topic
     * @param payload its payload, already checked to be non-empty and within the size limit
     * @param arrival when it arrived, the timestamp of readings whose payload carries none
     */
    Mapped map(String topic, byte[] payload, Instant arrival);
}
