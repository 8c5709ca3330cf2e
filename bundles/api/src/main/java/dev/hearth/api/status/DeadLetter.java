package dev.hearth.api.status;

import java.time.Instant;

import dev.hearth.api.Reading;

/** A reading a sink rejected, with the sink's reason. */
public record DeadLetter(String sinkId, long sequence, Reading reading, String reason, Instant at) {
}
