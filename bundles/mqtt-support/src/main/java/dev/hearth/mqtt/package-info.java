/**
 * What every Hearth MQTT user (the MQTT sink, the MQTT input, remote management) connects with the
 * same way: {@link dev.hearth.mqtt.BrokerSettings} (host, port, MQTT 5 or 3.1.1, client id,
 * credentials, TLS trust, client certificate, keepalive, reconnect backoff; checked once, with the
 * configuration key in every refusal), {@link dev.hearth.mqtt.TlsMaterial} and
 * {@link dev.hearth.mqtt.ClientCertificate} (PEM files to what the client's TLS configuration
 * takes), and {@link dev.hearth.mqtt.MqttClients} (a HiveMQ client builder configured from the
 * settings, and connection problems in words). The HiveMQ client API ({@code com.hivemq.client.*})
 * is exported by this bundle too. No OSGi services here: plain classes.
 */
@Export
@Version("1.1.0")
package dev.hearth.mqtt;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
