package dev.hearth.json;

import java.nio.charset.StandardCharsets;

import dev.hearth.api.Reading;

/**
 * The documented JSON object of a reading:
 * {@code {"id":…,"device":…,"measurement":…,"time":"<ISO-8601>","tags":{…},"fields":{…}}}, fields
 * typed as JSON integers, numbers, booleans and strings. The file sink writes it one per line and
 * the MQTT sink publishes it (as {@link ReadingJsonEncoder}'s bytes), so a consumer parses one format.
 */
public final class ReadingJson {

    private ReadingJson() {
    }

    /** The JSON object for {@code r}, on one line. */
    public static String of(Reading r) {
        return new String(new ReadingJsonEncoder().encode(r), StandardCharsets.UTF_8);
    }
}
