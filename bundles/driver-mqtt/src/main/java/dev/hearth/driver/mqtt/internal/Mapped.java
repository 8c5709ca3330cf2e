package dev.hearth.driver.mqtt.internal;

import java.util.List;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;

/** What one MQTT message means, as a mapper sees it. No OSGi. */
sealed interface Mapped {

    /** Readings to publish (and, at QoS 1/2, to commit before the message is acknowledged). */
    record Readings(List<Reading> readings) implements Mapped {
        public Readings {
            readings = List.copyOf(readings);
        }
    }

    /** A device's availability changed (Zigbee2MQTT {@code …/availability}, {@code bridge/state}). */
    record Status(String device, DeviceState state, String message) implements Mapped {
    }

    /** Device metadata was learnt ({@code bridge/devices}); {@code devices} is how many are known now. */
    record Learned(int devices) implements Mapped {
    }

    /** A message this mapping deliberately does not read (commands, bridge logging); not an error. */
    record Ignored(String why) implements Mapped {
    }

    /** A message that cannot become readings; counted by reason, logged with the topic. */
    record Skipped(SkipReason reason, String detail) implements Mapped {
    }

    static Skipped skip(SkipReason reason, String detail) {
        return new Skipped(reason, detail);
    }
}
