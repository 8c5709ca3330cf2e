/**
 * Device commands: a driver that can act on its devices (switch a Kasa relay, set an iBBQ probe's
 * target, put an SDS011 to sleep) registers a {@link dev.hearth.api.command.DeviceCommands}
 * service. Management and the console find them through the registry, validate arguments against
 * each {@link dev.hearth.api.command.CommandSpec} and run them. A driver of one device implements
 * {@link dev.hearth.api.command.OneDeviceCommands}, which does the device and argument checks.
 */
@Export
@Version("1.1.0")
package dev.hearth.api.command;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
