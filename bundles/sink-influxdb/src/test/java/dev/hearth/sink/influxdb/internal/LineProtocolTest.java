package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;
import dev.hearth.sink.influxdb.internal.LineProtocol.Line;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;
import dev.hearth.sink.influxdb.internal.LineProtocol.Refused;

class LineProtocolTest {

    private static final Instant T = Instant.parse("2026-11-28T12:00:00.123456789Z");
    private final LineProtocol ms = new LineProtocol("device", Precision.MS);

    private static String line(LineProtocol p, Reading r) {
        return assertInstanceOf(Line.class, p.encode(r)).text();
    }

    private static String refusal(LineProtocol p, Reading r) {
        return assertInstanceOf(Refused.class, p.encode(r)).reason();
    }

    @Test
    void everyFieldTypeIsWrittenTyped() {
        Reading r = Reading.of("pit-1", "temperature").tag("probe", "1")
                .field("c", 21.5).field("n", 42L).field("ok", true).field("note", "fine").field("whole", 3.0).at(T).build();
        assertEquals("temperature,device=pit-1,probe=1 c=21.5,n=42i,note=\"fine\",ok=true,whole=3.0 1795867200123", line(ms, r));
    }

    @Test
    void extremeNumbers() {
        Reading r = Reading.of("d", "m").field("big", 1e21).field("tiny", -4.9e-324).field("max", Long.MAX_VALUE)
                .field("min", Long.MIN_VALUE).at(T).build();
        assertEquals("m,device=d big=1.0E21,max=9223372036854775807i,min=-9223372036854775808i,tiny=-4.9E-324 1795867200123", line(ms, r));
    }

    @Test
    void measurementEscapesCommasAndSpacesButNotEquals() {
        Reading r = Reading.of("d", "air quality,pm=2.5").field("v", 1L).at(T).build();
        assertEquals("air\\ quality\\,pm=2.5,device=d v=1i 1795867200123", line(ms, r));
    }

    @Test
    void tagsAndFieldKeysEscapeCommasEqualsAndSpaces() {
        Reading r = Reading.of("my dev,1", "m").tag("a b", "x=y,z w").field("f,=g h", 1L).at(T).build();
        assertEquals("m,a\\ b=x\\=y\\,z\\ w,device=my\\ dev\\,1 f\\,\\=g\\ h=1i 1795867200123", line(ms, r));
    }

    @Test
    void stringFieldsEscapeQuotesAndBackslashesOnly() {
        Reading r = Reading.of("d", "m").field("s", "say \"hi\" C:\\dir, a=b").at(T).build();
        assertEquals("m,device=d s=\"say \\\"hi\\\" C:\\\\dir, a=b\" 1795867200123", line(ms, r));
    }

    @Test
    void backslashesInNamesAreRefused() {
        for (String value : new String[] { "C:\\temp", "ends\\", "double\\\\", "before\\ space", "before\\,comma" }) {
            Reading r = Reading.of("d", "m").tag("t", value).field("v", 1L).at(T).build();
            assertTrue(refusal(ms, r).contains("backslash"), value);
        }
        assertTrue(refusal(ms, Reading.of("d", "m\\x").field("v", 1L).at(T).build()).contains("measurement"));
        assertTrue(refusal(ms, Reading.of("d", "m").field("f\\x", 1L).at(T).build()).contains("field key"));
        assertTrue(refusal(ms, Reading.of("d\\x", "m").field("v", 1L).at(T).build()).contains("tag 'device' value"));
    }

    @Test
    void aLineBreakInATagValueIsRefusedWithTheReason() {
        Reading r = Reading.of("d", "m").tag("t", "two\nlines").field("v", 1L).at(T).build();
        String reason = refusal(ms, r);
        assertTrue(reason.contains("tag 't' value") && reason.contains("control character"), reason);
    }

    @Test
    void aMeasurementThatWouldBeACommentIsRefused() {
        Reading r = Reading.of("d", "#hash").field("v", 1L).at(T).build();
        assertTrue(refusal(ms, r).contains("comment"));
    }

    @Test
    void aTagNamedLikeTheDeviceTagIsRefused() {
        Reading r = Reading.of("d", "m").tag("device", "other").field("v", 1L).at(T).build();
        assertTrue(refusal(ms, r).contains("device_tag"));
        assertEquals("m,device=other,node=d v=1i 1795867200123", line(new LineProtocol("node", Precision.MS), r));
    }

    @Test
    void tagsAreSortedByUtf8BytesWithTheDeviceAmongThem() {
        // U+FB01 comes after U+1F600's surrogate 0xD83D in UTF-16 order (String.compareTo), before it in UTF-8 byte order
        Reading r = Reading.of("d", "m").tag("z", "1").tag("a", "2").tag("\uFB01", "3").tag("\uD83D\uDE00", "4")
                .tag("e", "5").field("v", 1L).at(T).build();
        assertEquals("m,a=2,device=d,e=5,z=1,\uFB01=3,\uD83D\uDE00=4 v=1i 1795867200123", line(ms, r));
    }

    @Test
    void everyPrecision() {
        Reading r = Reading.of("d", "m").field("v", 1L).at(T).build();
        assertTrue(line(new LineProtocol("device", Precision.NS), r).endsWith(" 1795867200123456789"));
        assertTrue(line(new LineProtocol("device", Precision.US), r).endsWith(" 1795867200123456"));
        assertTrue(line(new LineProtocol("device", Precision.MS), r).endsWith(" 1795867200123"));
        assertTrue(line(new LineProtocol("device", Precision.S), r).endsWith(" 1795867200"));
    }

    @Test
    void timesBefore1970TruncateTowardsThePast() {
        Reading r = Reading.of("d", "m").field("v", 1L).at(Instant.parse("1969-12-31T23:59:59.500Z")).build();
        assertTrue(line(ms, r).endsWith(" -500"));
        assertTrue(line(new LineProtocol("device", Precision.S), r).endsWith(" -1"));
    }

    @Test
    void nanosecondsOutOfRangeAreRefused() {
        Reading r = Reading.of("d", "m").field("v", 1L).at(Instant.parse("2300-01-01T00:00:00Z")).build();
        assertTrue(refusal(new LineProtocol("device", Precision.NS), r).contains("64 bits"));
    }

    @Test
    void precisionParsing() {
        assertEquals(Precision.US, Precision.parse(" US "));
        assertEquals("ns", Precision.NS.parameter());
    }

    @Test
    void aProblemIsNamedAsInByteOrderAlsoWhenAKeyPastU_D7FFComesLater() {
        Reading r = Reading.of("d", "m").tag("b", "x\ny").tag("\uFB01", "bad\\").field("v", 1L).at(T).build();
        assertTrue(refusal(ms, r).startsWith("tag 'b' value"), refusal(ms, r));
        Reading later = Reading.of("d", "m").tag("b", "ok").tag("\uFB01", "bad\\").field("v", 1L).at(T).build();
        assertTrue(refusal(ms, later).startsWith("tag '\uFB01' value"), refusal(ms, later));
        assertEquals("m,b=ok,device=d,\uFB01=x v=1i 1795867200123",
                line(ms, Reading.of("d", "m").tag("b", "ok").tag("\uFB01", "x").field("v", 1L).at(T).build()));
        assertTrue(refusal(new LineProtocol("\uFB01dev", Precision.MS), Reading.of("d\\", "m").field("v", 1L).at(T).build())
                .startsWith("tag '\uFB01dev' value"));
    }

    @Test
    void aRefusedLineLeavesTheSharedBufferAsItWas() {
        BodyBuffer out = new BodyBuffer(8);
        Reading good = Reading.of("d", "m").tag("a", "1").field("v", 1L).at(T).build();
        assertEquals(null, ms.encode(good, out));
        out.ascii('\n');
        // refused at the last field, at a tag after the device, at the time: nothing of them stays
        assertTrue(ms.encode(Reading.of("d", "m").tag("a", "1").field("v", 1L).field("z\\", 2L).at(T).build(), out).contains("field key"));
        assertTrue(ms.encode(Reading.of("d", "m").tag("z", "a\tb").field("v", 1L).at(T).build(), out).contains("control character"));
        assertTrue(new LineProtocol("device", Precision.NS).encode(
                Reading.of("d", "m").field("v", 1L).at(Instant.parse("2300-01-01T00:00:00Z")).build(), out).contains("64 bits"));
        assertEquals(null, ms.encode(good, out));
        assertEquals("m,a=1,device=d v=1i 1795867200123\nm,a=1,device=d v=1i 1795867200123", out.toString());
    }

    @Test
    void aNameSeenBeforeIsEscapedForWhereItIsNow() {
        // the same text as a measurement (= kept) and as a tag value and field key (= escaped), many times over
        for (int i = 0; i < 3; i++) {
            Reading r = Reading.of("a=b", "a=b").tag("t", "a=b").field("a=b", 1L).at(T).build();
            assertEquals("a=b,device=a\\=b,t=a\\=b a\\=b=1i 1795867200123", line(ms, r));
        }
        // a name written fine is still refused where it is not allowed
        assertEquals("m,device=d v=1i 1795867200123", line(ms, Reading.of("d", "m").field("v", 1L).at(T).build()));
        assertTrue(refusal(ms, Reading.of("d", "#m").field("v", 1L).at(T).build()).contains("comment"));
    }
}
