/** Remote management over MQTT: configuration, device commands, status. Nothing here is exported. */
package dev.hearth.management.internal;
