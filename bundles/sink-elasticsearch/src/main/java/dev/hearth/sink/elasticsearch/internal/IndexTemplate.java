package dev.hearth.sink.elasticsearch.internal;

/**
 * The composable index template the sink installs (or updates) before its first delivery, as the
 * JSON body of {@code PUT _index_template/<prefix>}. No OSGi and no client in here.
 *
 * <ul>
 * <li>{@code @timestamp} is a {@code date} with format {@code strict_date_optional_time||epoch_second}:
 * ISO-8601 and epoch seconds both parse (Elasticsearch's default reads a bare number as
 * milliseconds; the BBQ system had to create this mapping by hand).</li>
 * <li>{@code tags.*} are keywords; {@code fields.*} keep their JSON type: integers long, decimals
 * double (the default dynamic mapping would make them {@code float} and lose digits), booleans
 * boolean, strings keyword (not text: they are labels, not prose).</li>
 * <li>{@code date_detection} is off so a string field that looks like a date stays a keyword, and
 * a later value that does not look like one is not rejected.</li>
 * </ul>
 */
public final class IndexTemplate {

    /** Above the built-in templates (priority 100), so a prefix such as {@code logs-x-y} still gets this mapping. */
    static final int PRIORITY = 200;
    /** Bumped when the body changes, visible in {@code _meta}. */
    static final int VERSION = 1;
    /**
     * Lucene refuses a term over 32766 bytes; a string field may be 16384 characters (up to 4 bytes
     * each in UTF-8). Longer keyword values are stored in _source but not indexed, instead of failing the document.
     */
    static final int KEYWORD_IGNORE_ABOVE = 8191;

    private IndexTemplate() {
    }

    /** The template's name: the prefix itself. */
    public static String name(String prefix) {
        return prefix;
    }

    /** The index patterns the template applies to: the daily indices, or exactly the data stream. */
    public static String pattern(String prefix, boolean dataStream) {
        return dataStream ? prefix : prefix + "-*";
    }

    public static String json(String prefix, boolean dataStream) {
        String pattern = pattern(prefix, dataStream).replace("\\", "\\\\").replace("\"", "\\\"");
        return """
                {
                  "index_patterns": ["%s"],
                  "priority": %d,%s
                  "_meta": {"managed_by": "hearth", "hearth_template_version": %d},
                  "template": {
                    "mappings": {
                      "date_detection": false,
                      "numeric_detection": false,
                      "dynamic_templates": [
                        {"hearth_tags": {"path_match": "tags.*", "mapping": {"type": "keyword", "ignore_above": %d}}},
                        {"hearth_longs": {"path_match": "fields.*", "match_mapping_type": "long", "mapping": {"type": "long"}}},
                        {"hearth_doubles": {"path_match": "fields.*", "match_mapping_type": "double", "mapping": {"type": "double"}}},
                        {"hearth_booleans": {"path_match": "fields.*", "match_mapping_type": "boolean", "mapping": {"type": "boolean"}}},
                        {"hearth_strings": {"path_match": "fields.*", "match_mapping_type": "string", "mapping": {"type": "keyword", "ignore_above": %d}}}
                      ],
                      "properties": {
                        "@timestamp": {"type": "date", "format": "strict_date_optional_time||epoch_second"},
                        "device": {"type": "keyword"},
                        "measurement": {"type": "keyword"},
                        "tags": {"type": "object"},
                        "fields": {"type": "object"}
                      }
                    }
                  }
                }
                """.formatted(pattern, PRIORITY, dataStream ? "\n  \"data_stream\": {}," : "", VERSION,
                KEYWORD_IGNORE_ABOVE, KEYWORD_IGNORE_ABOVE);
    }
}
