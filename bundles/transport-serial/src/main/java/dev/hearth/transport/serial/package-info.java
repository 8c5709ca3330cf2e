/**
 * Serial ports for drivers. A {@link dev.hearth.transport.serial.SerialPorts} service opens a port
 * by path (a {@code /dev/serial/by-id/...} link is the stable name of a USB adapter) or by USB
 * identity ({@code usb:VID:PID[:SERIAL]}); a {@link dev.hearth.transport.serial.SerialPort} reads
 * with a timeout and writes, and throws {@link dev.hearth.transport.serial.PortGoneException} once
 * the device has gone (unplugged), so the driver can close it and open it again later.
 */
@Export
@Version("1.0.0")
package dev.hearth.transport.serial;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
