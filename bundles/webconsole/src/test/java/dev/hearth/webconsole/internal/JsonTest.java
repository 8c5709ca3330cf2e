package dev.hearth.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Our writer's output is read back with Gson, a parser we did not write. */
class JsonTest {

    private static final String HOSTILE = "</script><script>alert('x')</script>\"\\\u0000\u0001\u001f\n\r\t\u2028\u2029&é😀";

    @Test
    void hostileStringsRoundTripAndNeverCloseAScriptOrAnAttribute() {
        String text = new Json().beginObject().field(HOSTILE, HOSTILE).endObject().toString();
        assertFalse(text.contains("<") || text.contains(">") || text.contains("&"), text);
        assertFalse(text.contains("\u2028") || text.contains("\u2029"), "line separators break JavaScript string literals");
        JsonObject o = JsonParser.parseString(text).getAsJsonObject();
        assertEquals(HOSTILE, o.get(HOSTILE).getAsString());
    }

    @Test
    void loneSurrogatesAreEscapedSoTheOutputIsValidUtf8() {
        String lone = "a\uD800b\uDC00c";
        String text = new Json().value(lone).toString();
        assertEquals("\"a\\ud800b\\udc00c\"", text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text, new String(utf8, StandardCharsets.UTF_8), "ASCII escapes survive encoding unchanged");
    }

    @Test
    void numbersNullsAndNesting() {
        String text = new Json().beginObject()
                .field("long", Long.MAX_VALUE).field("int-valued", 42.0).field("fraction", 21.25)
                .field("nan", Double.NaN).field("inf", Double.POSITIVE_INFINITY).field("missing", (String) null)
                .field("yes", true)
                .name("list").beginArray().value(1).value(2.5).beginObject().endObject().beginArray().endArray().endArray()
                .endObject().toString();
        JsonObject o = JsonParser.parseString(text).getAsJsonObject();
        assertEquals(Long.MAX_VALUE, o.get("long").getAsLong());
        assertEquals("42", o.get("int-valued").toString());
        assertEquals(21.25, o.get("fraction").getAsDouble());
        assertTrue(o.get("nan").isJsonNull(), "NaN has no JSON form");
        assertTrue(o.get("inf").isJsonNull());
        assertTrue(o.get("missing").isJsonNull());
        assertTrue(o.get("yes").getAsBoolean());
        JsonArray list = o.getAsJsonArray("list");
        assertEquals(4, list.size());
        assertEquals(2.5, list.get(1).getAsDouble());
    }

    @Test
    void largeAndTinyDoublesStayNumbers() {
        String text = new Json().beginArray().value(1e300).value(-1e-300).value(1e16).endArray().toString();
        JsonArray a = JsonParser.parseString(text).getAsJsonArray();
        assertEquals(1e300, a.get(0).getAsDouble());
        assertEquals(-1e-300, a.get(1).getAsDouble());
        assertEquals(1e16, a.get(2).getAsDouble());
    }
}
