/**
 * The Elasticsearch sink: {@link dev.hearth.sink.elasticsearch.internal.ElasticsearchSink} (the DS
 * component), {@link dev.hearth.sink.elasticsearch.internal.ElasticsearchWriter} (the client side)
 * and the OSGi-free codec parts. Not exported; the client libraries are copied in by bnd.
 */
package dev.hearth.sink.elasticsearch.internal;
