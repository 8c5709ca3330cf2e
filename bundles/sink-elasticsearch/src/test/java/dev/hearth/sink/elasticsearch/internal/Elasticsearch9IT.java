package dev.hearth.sink.elasticsearch.internal;

/** The contract against Elasticsearch 9: the 8.19 client sends compatible-with=8 media types, which 9 accepts. */
class Elasticsearch9IT extends ElasticsearchContractIT {
    @Override
    String homeProperty() {
        return "es.home.9";
    }
}
