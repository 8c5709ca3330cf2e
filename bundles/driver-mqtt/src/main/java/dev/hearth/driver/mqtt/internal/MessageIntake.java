package dev.hearth.driver.mqtt.internal;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every message passes before its mapper sees it (empty, oversized, own output), the
 * counters of what became of messages, and the rate-limited log of skipped ones. No OSGi; never
 * throws on input, so no message can stop the driver.
 */
final class MessageIntake {

    private static final Logger LOG = LoggerFactory.getLogger(MessageIntake.class);
    /** At most one log line per skip reason per this interval; the rest are counted in the next line. */
    static final long LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final String name;
    private final MessageMapper mapper;
    /** {@code null} when {@code exclude_own} is off. */
    private final LoopGuard loopGuard;
    private final int maxPayloadBytes;
    private final LongSupplier nanoClock;

    private final LongAdder messages = new LongAdder();
    private final LongAdder readings = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final EnumMap<SkipReason, LongAdder> skipped = new EnumMap<>(SkipReason.class);
    private final EnumMap<SkipReason, AtomicLong> lastLogged = new EnumMap<>(SkipReason.class);
    private final EnumMap<SkipReason, LongAdder> unlogged = new EnumMap<>(SkipReason.class);

    MessageIntake(String name, MessageMapper mapper, LoopGuard loopGuard, int maxPayloadBytes, LongSupplier nanoClock) {
        this.name = name;
        this.mapper = mapper;
        this.loopGuard = loopGuard;
        this.maxPayloadBytes = maxPayloadBytes;
        this.nanoClock = nanoClock;
        for (SkipReason r : SkipReason.values()) {
            skipped.put(r, new LongAdder());
            unlogged.put(r, new LongAdder());
            lastLogged.put(r, new AtomicLong(nanoClock.getAsLong() - LOG_INTERVAL_NANOS));
        }
    }

    /** What {@code payload} on {@code topic} means; skipped messages are counted and logged here. */
    Mapped accept(String topic, byte[] payload, Map<String, String> userProperties, Instant arrival) {
        messages.increment();
        Mapped result;
        if (loopGuard != null && loopGuard.isOwn(topic, userProperties)) {
            result = Mapped.skip(SkipReason.OWN_OUTPUT, "this gateway's own output (exclude_own)");
        } else if (payload.length == 0) {
            result = Mapped.skip(SkipReason.EMPTY, "empty payload");
        } else if (payload.length > maxPayloadBytes) {
            result = Mapped.skip(SkipReason.OVERSIZED, payload.length + " bytes, more than max_payload_kib ("
                    + maxPayloadBytes / 1024 + " KiB)");
        } else {
            try {
                result = mapper.map(topic, payload, arrival);
            } catch (RuntimeException e) {
                // a mapper bug, not bad input; the message is still only one message
                LOG.error("mqtt input {}: mapping the message on {} failed", name, topic, e);
                result = Mapped.skip(SkipReason.INVALID, e.toString());
            }
        }
        if (result instanceof Mapped.Skipped s) skipped(topic, s);
        else if (result instanceof Mapped.Readings r) readings.add(r.readings().size());
        else if (result instanceof Mapped.Ignored) ignored.increment();
        return result;
    }

    /** Counts a message skipped after intake (e.g. {@link SkipReason#BACKLOG_FULL}). */
    void skipped(String topic, Mapped.Skipped s) {
        skipped.get(s.reason()).increment();
        // own output is the normal case with exclude_own and a shared broker: count it, do not log it
        if (s.reason() == SkipReason.OWN_OUTPUT) return;
        long now = nanoClock.getAsLong();
        AtomicLong last = lastLogged.get(s.reason());
        long previous = last.get();
        if (now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
            long more = unlogged.get(s.reason()).sumThenReset();
            LOG.warn("mqtt input {}: skipped the message on {}: {}: {}{}", name, JsonValues.abbreviate(topic, 200),
                    s.reason().key(), s.detail(), more > 0 ? " (and " + more + " more " + s.reason().key()
                            + " since the last such line)" : "");
        } else {
            unlogged.get(s.reason()).increment();
        }
    }

    long messages() {
        return messages.sum();
    }

    long readings() {
        return readings.sum();
    }

    long skipped(SkipReason reason) {
        return skipped.get(reason).sum();
    }

    long skippedTotal() {
        return skipped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** {@code messages}, {@code readings}, {@code ignored}, and {@code skipped_<reason>} for every reason seen, as strings. */
    Map<String, String> counters() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("messages", Long.toString(messages.sum()));
        c.put("readings", Long.toString(readings.sum()));
        c.put("ignored", Long.toString(ignored.sum()));
        skipped.forEach((reason, n) -> {
            long v = n.sum();
            if (v > 0) c.put("skipped_" + reason.key(), Long.toString(v));
        });
        return c;
    }
}
