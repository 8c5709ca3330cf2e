package dev.hearth.sink.elasticsearch.internal;

/** The contract against Elasticsearch 8.19 (the client's own major version). */
class Elasticsearch8IT extends ElasticsearchContractIT {
    @Override
    String homeProperty() {
        return "es.home.8";
    }
}
