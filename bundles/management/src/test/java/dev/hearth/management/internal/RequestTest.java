package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonParser;

class RequestTest {

    private static final int MAX = 1024;

    private static Request parse(String op, String json) throws Request.Refused {
        return Request.parse(op, json.getBytes(StandardCharsets.UTF_8), MAX);
    }

    private static String refused(String op, String json) {
        return assertThrows(Request.Refused.class, () -> parse(op, json)).getMessage();
    }

    @Test
    void envelopeIsReadAndRemovedFromTheBody() throws Exception {
        Request r = parse("config/get", "{\"id\":\"r-1\",\"reply_to\":\"me/replies\",\"correlation\":\"c7\",\"pid\":\"dev.hearth.x\"}");
        assertEquals("r-1", r.id());
        assertEquals("me/replies", r.replyTo());
        assertEquals("c7", r.correlation());
        assertEquals(JsonParser.parseString("{\"pid\":\"dev.hearth.x\"}"), r.body());
    }

    @Test
    void emptyPayloadIsAnEmptyRequest() throws Exception {
        assertEquals(0, parse("status", "").body().size());
    }

    @Test
    void malformedOversizedAndHostilePayloadsAreRefused() {
        assertTrue(refused("config/get", "{\"pid\": ").startsWith("malformed JSON"));
        assertTrue(refused("config/get", "{pid: 'x'}").startsWith("malformed JSON"), "strict JSON: no lenient parsing");
        assertTrue(refused("config/get", "{} {}").startsWith("malformed JSON"), "one value only");
        assertTrue(refused("config/get", "[1,2]").contains("must be a JSON object"));
        assertTrue(refused("config/get", "\"text\"").contains("must be a JSON object"));
        byte[] deep = ("{\"a\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}").getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(Request.Refused.class, () -> Request.parse("config/get", deep, 1 << 20)).getMessage()
                .startsWith("malformed JSON"), "deep nesting, within the size limit");
        assertTrue(refused("config/get", "{\"a\":[[[[[[[[[1]]]]]]]]]}").startsWith("malformed JSON"), "nesting over the limit");
        assertTrue(refused("config/get", "{\"a\":\"" + "x".repeat(MAX) + "\"}").contains("larger than the limit"));
        assertThrows(Request.Refused.class, () -> Request.parse("status", new byte[] { '{', (byte) 0xC3, (byte) 0x28, '}' }, MAX));
        assertTrue(refused("config/format-disk", "{}").startsWith("unknown operation"));
        assertTrue(refused("config/get/../../x", "{}").startsWith("unknown operation"));
    }

    @Test
    void envelopeFieldsAreTyped() {
        assertTrue(refused("status", "{\"id\": 5}").contains("'id' must be a string"));
        assertTrue(refused("status", "{\"id\": \"a/b#\"}").contains("'id' must be"));
        assertTrue(refused("status", "{\"reply_to\": [\"x\"]}").contains("'reply_to' must be a string"));
        assertTrue(refused("status", "{\"correlation\": \"" + "c".repeat(300) + "\"}").contains("longer than"));
        // what could be read is kept, so the refusal still reaches the asker
        Request.Refused r = assertThrows(Request.Refused.class, () -> parse("nope", "{\"id\":\"r9\",\"reply_to\":\"me/x\"}"));
        assertEquals("r9", r.id);
        assertEquals("me/x", r.replyTo);
    }

    @Test
    void editsAreReadFromOneTargetOrAList() throws Exception {
        List<ConfigEditor.Edit> one = Handler.edits("config/set", parse("config/set",
                "{\"pid\":\"dev.hearth.driver.system\",\"properties\":{\"interval_seconds\":5,\"x\":null}}").body());
        assertEquals(1, one.size());
        assertEquals(Target.singleton("dev.hearth.driver.system"), one.get(0).target());
        assertTrue(one.get(0).properties().get("x").isJsonNull(), "null removes a key");
        List<ConfigEditor.Edit> two = Handler.edits("config/set", parse("config/set", "{\"changes\":["
                + "{\"pid\":\"a.b\",\"properties\":{}},{\"factory_pid\":\"c.d\",\"name\":\"n-1\",\"properties\":{},\"replace\":true}]}").body());
        assertEquals(Target.instance("c.d", "n-1"), two.get(1).target());
        assertTrue(two.get(1).replace());
        List<ConfigEditor.Edit> del = Handler.edits("config/delete", parse("config/delete", "{\"factory_pid\":\"c.d\",\"name\":\"n\"}").body());
        assertTrue(del.get(0).delete());
    }

    @Test
    void badEditsAreRefusedWithTheReason() {
        assertEquals("factory_pid 'c.d' needs a name", editError("{\"factory_pid\":\"c.d\",\"properties\":{}}"));
        assertEquals("'pid' (or 'factory_pid' and 'name') is missing", editError("{\"properties\":{}}"));
        assertEquals("give 'pid' or 'factory_pid', not both", editError("{\"pid\":\"a\",\"factory_pid\":\"b\",\"name\":\"n\",\"properties\":{}}"));
        assertTrue(editError("{\"pid\":\"a\"}").contains("'properties' is missing"));
        assertTrue(editError("{\"pid\":\"a\",\"properties\":[1]}").contains("'properties' must be an object"));
        assertTrue(editError("{\"pid\":\"a\",\"properties\":{},\"replace\":\"yes\"}").contains("'replace' must be true or false"));
        assertTrue(editError("{\"pid\":\"a\",\"propertys\":{}}").startsWith("unknown field 'propertys'"));
        assertTrue(editError("{\"pid\":\"a)(x=*\",\"properties\":{}}").contains("is not a valid name"), "no LDAP injection");
        assertTrue(editError("{\"pid\":\"../../etc/passwd\",\"properties\":{}}").contains("is not a valid name"), "no path");
        assertTrue(editError("{\"pid\":\"a-b\",\"properties\":{}}").contains("is not a valid name"), "FileInstall splits at '-'");
        assertTrue(editError("{\"factory_pid\":\"a\",\"name\":\"x/y\",\"properties\":{}}").contains("is not a valid name"));
        assertTrue(editError("{\"pid\":7,\"properties\":{}}").contains("'pid' must be a string"));
        assertTrue(editError("{\"changes\":[]}").contains("is empty"));
        assertTrue(editError("{\"changes\":[1]}").contains("must be an object"));
        StringBuilder many = new StringBuilder("{\"changes\":[");
        for (int i = 0; i < Handler.MAX_EDITS + 1; i++) many.append(i == 0 ? "" : ",").append("{\"pid\":\"a\",\"properties\":{}}");
        assertTrue(editError(many.append("]}").toString()).contains("more than " + Handler.MAX_EDITS));
    }

    private static String editError(String json) {
        return assertThrows(IllegalArgumentException.class,
                () -> Handler.edits("config/set", JsonParser.parseString(json).getAsJsonObject())).getMessage();
    }

    @Test
    void noIdMeansNoId() throws Exception {
        assertNull(parse("status", "{}").id());
    }
}
