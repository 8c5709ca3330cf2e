package dev.hearth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.Reading;

class ReadingJsonTest {

    @Test
    void everyPartAndTypeRoundTripsThroughAStrictParser() {
        String hostile = "quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 emoji \uD83D\uDD25 line sep \u2028";
        Reading r = Reading.of("pit \"probe\"", "temperature").tag("k \"q\"", hostile).field("i", 42L).field("f", 0.1)
                .field("big", 1e300).field("b", true).field("s", hostile).at(Instant.parse("2026-11-28T12:00:00.123456789Z")).build();
        String json = ReadingJson.of(r);
        assertFalse(json.contains("\n"), "one line, so a JSON-lines file stays one reading per line");
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertEquals(r.id(), o.get("id").getAsString());
        assertEquals("pit \"probe\"", o.get("device").getAsString());
        assertEquals("2026-11-28T12:00:00.123456789Z", o.get("time").getAsString());
        assertEquals(hostile, o.getAsJsonObject("tags").get("k \"q\"").getAsString());
        JsonObject fields = o.getAsJsonObject("fields");
        assertEquals("42", fields.get("i").toString(), "an integer stays an integer");
        assertEquals(0.1, fields.get("f").getAsDouble());
        assertEquals(1e300, fields.get("big").getAsDouble());
        assertTrue(fields.get("b").getAsBoolean());
        assertEquals(hostile, fields.get("s").getAsString());
    }
}
