package dev.hearth.sink.influxdb.internal;

import java.net.URI;
import java.time.Duration;

import dev.hearth.sink.influxdb.internal.InfluxSettings.Api;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;
import dev.hearth.support.net.Secret;

/** Settings for tests, changed with the withers. */
final class TestSettings {

    private TestSettings() {
    }

    static InfluxSettings v1(String url, String database) {
        return new InfluxSettings("influxdb-test", URI.create(url), Api.V1, database, "", "", "", "", Secret.none(),
                Secret.none(), Precision.MS, true, Duration.ofSeconds(5), null, "device", 5000);
    }

    static InfluxSettings v2(String url, String bucket) {
        return new InfluxSettings("influxdb-test", URI.create(url), Api.V2, "", "", "hearth", bucket, "", Secret.none(),
                Secret.none(), Precision.MS, true, Duration.ofSeconds(5), null, "device", 5000);
    }

    static InfluxSettings withCredentials(InfluxSettings s, String user, String password) {
        return new InfluxSettings(s.sinkId(), s.url(), s.api(), s.database(), s.retentionPolicy(), s.org(), s.bucket(),
                user, Secret.of(password), s.token(), s.precision(), s.gzip(), s.timeout(), s.tls(), s.deviceTag(), s.batchSize());
    }

    static InfluxSettings withId(InfluxSettings s, String id) {
        return new InfluxSettings(id, s.url(), s.api(), s.database(), s.retentionPolicy(), s.org(), s.bucket(),
                s.username(), s.password(), s.token(), s.precision(), s.gzip(), s.timeout(), s.tls(), s.deviceTag(), s.batchSize());
    }

    static InfluxSettings with(InfluxSettings s, Precision precision, boolean gzip, int batchSize) {
        return new InfluxSettings(s.sinkId(), s.url(), s.api(), s.database(), s.retentionPolicy(), s.org(), s.bucket(),
                s.username(), s.password(), s.token(), precision, gzip, s.timeout(), s.tls(), s.deviceTag(), batchSize);
    }
}
