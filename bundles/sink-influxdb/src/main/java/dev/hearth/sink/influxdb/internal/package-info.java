/** The InfluxDB line-protocol sink: {@link dev.hearth.sink.influxdb.internal.LineProtocol}, {@link dev.hearth.sink.influxdb.internal.InfluxWriter} and their DS component. Not exported. */
package dev.hearth.sink.influxdb.internal;
