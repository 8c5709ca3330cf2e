package dev.hearth.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.SinkStatus;
import dev.hearth.testkit.MutableClock;

class PageRendererTest {

    private static final String EVIL_DEVICE = "<script>alert(1)</script>";
    private static final String EVIL_MESSAGE = "\"><img src=x onerror=alert(2)>";
    private static final String EVIL_SINK = "sink'\"><svg onload=alert(3)>";
    private static final Instant T = Instant.parse("2026-11-28T19:00:00Z");

    private final MutableClock clock = new MutableClock(T);

    private FixedStatus hostile() {
        return new FixedStatus(
                List.of(new DeviceInfo(EVIL_DEVICE, DeviceState.ERROR, EVIL_MESSAGE, T, Map.of(), 5, 2, "</td></tr><b>x</b>", null),
                        new DeviceInfo("fridge", DeviceState.ONLINE, "ok", T, Map.of(), 40, 0, null, null),
                        new DeviceInfo("never-reported", null, null, null, Map.of(), 1, 0, null, null)),
                List.of(new SinkStatus(EVIL_SINK, true, "", 7, 100, 1, 0, 0, 1.5, T, "<i>timeout</i>", T),
                        new SinkStatus("file", false, "", 1234, 0, 0, 0, 0, 0, null, null, null)));
    }

    @Test
    void hostileNamesAreEscapedInThePage() {
        String html = PageRenderer.html("/system/console/hearth", hostile(), 2000);
        assertFalse(html.contains("<script>alert"), html);
        assertFalse(html.contains("<img"), html);
        assertFalse(html.contains("<svg"), html);
        assertFalse(html.contains("<b>x</b>") || html.contains("<i>timeout"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("data-sink=\"sink&#39;&quot;&gt;&lt;svg onload=alert(3)&gt;\""));
        assertFalse(html.contains(" onerror=alert(2)>"), "no attribute can be smuggled in");
        // exactly one script element: ours, loaded from the bundle
        assertEquals(1, html.split("<script", -1).length - 1);
        assertTrue(html.contains("<script src=\"/system/console/hearth/res/hearth.js\"></script>"));
        // with every quoted attribute value removed (escaping keeps data inside them), no tag has an on... attribute
        String tagsOnly = html.replaceAll("\"[^\"]*\"", "\"\"");
        assertFalse(tagsOnly.matches("(?s).*<[^>]*\\son[a-z]+=.*"), "no inline event handlers: " + tagsOnly);
    }

    @Test
    void thePageShowsDevicesStatesAndSinkBacklogs() {
        String html = PageRenderer.html("/system/console/hearth", hostile(), 1500);
        assertTrue(html.contains("<tr data-device=\"fridge\"><td>fridge</td><td class=\"state state-online\">ONLINE</td>"), html);
        assertTrue(html.contains("<td class=\"state state-unknown\">unknown</td>"), "a device that never reported has no state");
        assertTrue(html.contains("<tr data-sink=\"file\"><td>file</td><td>no</td><td>1234</td>"), html);
        assertTrue(html.contains("data-poll=\"1500\""));
        assertTrue(html.contains("data-url=\"/system/console/hearth/data.json\""));
        assertTrue(html.contains("3 devices, 2 sinks; journal: 12 held, 3400 accepted, 0 dropped"), html);
    }

    @Test
    void aHostilePluginRootIsEscapedToo() {
        String html = PageRenderer.html("/x\"><script>alert(4)</script>", null, 2000);
        assertFalse(html.contains("<script>alert(4)"), html);
        assertTrue(html.contains("The Hearth core is not running."));
    }

    @Test
    void jsonCarriesStatusAndChartAndRoundTripsHostileNames() {
        ReadingHistory history = new ReadingHistory(4, 4, 10, Duration.ofMinutes(10), clock);
        history.add(Reading.of(EVIL_DEVICE, "t").field("v", 21.5).at(T).build());
        history.add(Reading.of(EVIL_DEVICE, "t").field("v", 22L).at(T.plusSeconds(2)).build());
        String text = PageRenderer.json(hostile(), history.since(null, 0), 600_000, T.toEpochMilli());
        assertFalse(text.contains("<"), "no markup survives into the JSON text: " + text);

        JsonObject o = JsonParser.parseString(text).getAsJsonObject();
        assertTrue(o.get("core").getAsBoolean());
        assertEquals(600_000, o.get("window").getAsLong());
        JsonArray devices = o.getAsJsonArray("devices");
        assertEquals(3, devices.size());
        JsonObject evil = devices.get(0).getAsJsonObject();
        assertEquals(EVIL_DEVICE, evil.get("device").getAsString());
        assertEquals("ERROR", evil.get("state").getAsString());
        assertEquals(EVIL_MESSAGE, evil.get("message").getAsString());
        assertEquals("UNKNOWN", devices.get(2).getAsJsonObject().get("state").getAsString());
        JsonObject sink = o.getAsJsonArray("sinks").get(0).getAsJsonObject();
        assertEquals(EVIL_SINK, sink.get("id").getAsString());
        assertEquals(7, sink.get("backlog").getAsLong());
        assertEquals("", o.getAsJsonArray("sinks").get(1).getAsJsonObject().get("lastError").getAsString());

        JsonObject chart = o.getAsJsonObject("chart");
        assertEquals(2, chart.get("last").getAsLong());
        assertEquals(history.epoch(), chart.get("epoch").getAsString());
        assertTrue(chart.get("reset").getAsBoolean());
        JsonObject series = chart.getAsJsonArray("series").get(0).getAsJsonObject();
        assertEquals(EVIL_DEVICE + " t.v", series.get("name").getAsString());
        assertEquals(List.of(0L, 2000L), // relative to "now", which this test put at T
                series.getAsJsonArray("t").asList().stream().map(e -> e.getAsLong()).toList());
        assertEquals(List.of(21.5, 22.0), series.getAsJsonArray("v").asList().stream().map(e -> e.getAsDouble()).toList());
    }

    @Test
    void withoutTheCoreTheJsonSaysSoAndIsStillComplete() {
        ReadingHistory history = new ReadingHistory(4, 4, 10, Duration.ofMinutes(10), clock);
        JsonObject o = JsonParser.parseString(PageRenderer.json(null, history.since(null, 0), 1000, 0)).getAsJsonObject();
        assertFalse(o.get("core").getAsBoolean());
        assertEquals(0, o.getAsJsonArray("devices").size());
        assertEquals(0, o.getAsJsonObject("chart").getAsJsonArray("series").size());
    }

    @Test
    void rowsAndTextsAreBounded() {
        List<DeviceInfo> many = new ArrayList<>();
        for (int i = 0; i < PageRenderer.MAX_ROWS + 50; i++) {
            many.add(new DeviceInfo("d" + i, DeviceState.ONLINE, "x".repeat(10_000), T, Map.of(), 0, 0, null, null));
        }
        FixedStatus big = new FixedStatus(many, List.of());
        String html = PageRenderer.html("/r", big, 2000);
        assertEquals(PageRenderer.MAX_ROWS, html.split("<tr data-device=", -1).length - 1);
        assertFalse(html.contains("x".repeat(PageRenderer.MAX_TEXT)), "long messages are cut");
        JsonObject o = JsonParser.parseString(PageRenderer.json(big, new ReadingHistory(1, 1, 2, Duration.ofMinutes(1), clock).since(null, 0), 1, 0))
                .getAsJsonObject();
        assertEquals(PageRenderer.MAX_ROWS, o.getAsJsonArray("devices").size());
        assertEquals(PageRenderer.MAX_TEXT, o.getAsJsonArray("devices").get(0).getAsJsonObject().get("message").getAsString().length());
    }
}
