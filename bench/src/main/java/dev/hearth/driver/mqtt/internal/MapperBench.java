package dev.hearth.driver.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;

import dev.hearth.api.Reading;

/**
 * The MQTT input's generic JSON mapper (issue 7): the streaming path against the tree path, and
 * the parts of the streaming path on their own (JSON tokens, numbers, device id, time, the Reading).
 * Run by hand (bench/README.md), never in the build.
 *
 * <p>In the mapper's package because the mapper is package-private in an {@code .internal}
 * package; this module is not a bundle, so nothing wires it. The fork runs C1 only, as the
 * gateway does ({@code -XX:TieredStopAtLevel=1} in {@code bin/hearth}): C2 figures would not be
 * the gateway's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-XX:TieredStopAtLevel=1")
public class MapperBench {

    GenericJsonMapper mapper = new GenericJsonMapper(new GenericJsonMapper.Rules("bench", List.of(TopicFilter.parse("bench/+")),
            "device", -1, "ts", Set.of(), Set.of(), Map.of()));
    byte[] payload = "{\"device\": \"esp-007\", \"seq\": 7, \"temperature\": 20.7, \"humidity\": 50.5, \"ts\": 1767225600007}"
            .getBytes(StandardCharsets.US_ASCII);
    Instant arrival = Instant.parse("2026-03-01T10:00:00Z");

    TreeMap<String, Object> fields = new TreeMap<>(Map.of("seq", 7L, "temperature", 20.7, "humidity", 50.5));
    TreeMap<String, String> tags = new TreeMap<>();
    String[] literals = { "7", "20.7", "50.5" };

    /** What the driver calls: the streaming path for this flat payload. */
    @Benchmark
    public Mapped fastPath() {
        return mapper.map("bench/x", payload, arrival);
    }

    /** The JSON tree path, taken for nested or unusual payloads. */
    @Benchmark
    public Mapped treePath() {
        return mapper.mapWithTree("bench/x", payload, arrival);
    }

    /** Gson's streaming tokens alone: the floor of the fast path. */
    @Benchmark
    public int streamOnly() throws Exception {
        JsonReader in = new JsonReader(new AsciiReader(payload));
        in.setStrictness(Strictness.STRICT);
        int n = 0;
        in.beginObject();
        while (in.hasNext()) {
            n += in.nextName().length();
            switch (in.peek()) {
                case STRING, NUMBER -> n += in.nextString().length();
                default -> in.skipValue();
            }
        }
        in.endObject();
        return n;
    }

    @Benchmark
    public Object readingOnly() {
        return new Reading("esp-007", "bench", new TreeMap<>(tags), new TreeMap<>(fields), arrival);
    }

    @Benchmark
    public Object numbersOnly() {
        Object a = JsonValues.number(literals[0]);
        Object b = JsonValues.number(literals[1]);
        Object c = JsonValues.number(literals[2]);
        return a.hashCode() + b.hashCode() + c.hashCode();
    }

    @Benchmark
    public Object deviceIdOnly() {
        return JsonValues.deviceId("esp-007");
    }

    @Benchmark
    public Object timeOnly() throws Exception {
        return JsonValues.time(JsonValues.Kind.NUMBER, "1767225600007");
    }
}
