package dev.hearth.sink.elasticsearch.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Configuration annotations for tests: the given keys (by method name), the annotation's defaults otherwise. */
final class Configs {

    private Configs() {
    }

    static ElasticsearchSinkConfig elasticsearch(Map<String, Object> values) {
        return (ElasticsearchSinkConfig) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] { ElasticsearchSinkConfig.class }, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) return values.get(method.getName());
                    if (method.getDefaultValue() != null) return method.getDefaultValue();
                    if (method.getName().equals("hearth_sink_id")) return "";
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Settings for a sink {@code id} at {@code url} with the defaults and any overrides. */
    static SinkSettings settings(String id, String url, Map<String, Object> overrides) {
        java.util.HashMap<String, Object> v = new java.util.HashMap<>(overrides);
        v.put("hearth_sink_id", id);
        v.put("urls", new String[] { url });
        return SinkSettings.from(elasticsearch(v));
    }

    /** One reading's two _bulk lines on their own, as BulkBody.append writes them into a body. */
    static byte[] lines(String index, String id, dev.hearth.api.Reading reading, boolean create) {
        return lines(BulkBody.actionHead(index, create), id, reading);
    }

    /** One reading's document as the encoder writes it, apart from any body (BulkBody.append puts it after the action line). */
    static String document(dev.hearth.api.Reading reading) {
        return new String(new dev.hearth.json.ReadingJsonEncoder().encodeDocument(reading, BulkBody.TIMESTAMP),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] lines(byte[] actionHead, String id, dev.hearth.api.Reading reading) {
        BulkBody.Body body = new BulkBody.Body(256);
        BulkBody.append(body, actionHead, id, reading);
        return body.toByteArray();
    }
}
