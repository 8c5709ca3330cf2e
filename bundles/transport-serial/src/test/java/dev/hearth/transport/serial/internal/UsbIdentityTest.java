package dev.hearth.transport.serial.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.hearth.transport.serial.SerialPorts;
import dev.hearth.transport.serial.SerialSettings;

class UsbIdentityTest {

    @Test
    void parsesVendorProductAndOptionalSerial() {
        UsbIdentity ch340 = UsbIdentity.parse("usb:1a86:7523");
        assertEquals(new UsbIdentity(0x1a86, 0x7523, null), ch340);
        assertTrue(ch340.matches(0x1a86, 0x7523, "anything"));
        assertFalse(ch340.matches(0x1a86, 0x7524, null));
        UsbIdentity ftdi = UsbIdentity.parse("USB:0x0403:6001:A50285BI");
        assertTrue(ftdi.matches(0x0403, 0x6001, "a50285bi"));
        assertFalse(ftdi.matches(0x0403, 0x6001, "OTHER"));
        assertFalse(ftdi.matches(0x0403, 0x6001, null));
        assertEquals("usb:0403:6001:A50285BI", ftdi.toString());
    }

    @Test
    void refusesMalformedIdentities() {
        for (String bad : new String[] {"usb:", "usb:1a86", "usb:1a86:", "usb:12345:1", "usb:zz:1", "usb:-1:2", "usb::7523", "usb:1a86 :75 23"}) {
            assertThrows(IllegalArgumentException.class, () -> UsbIdentity.parse(bad), bad);
        }
    }

    @Test
    void schemesSeparateSimulatorsFromDevices() {
        assertEquals("device", SerialPorts.schemeOf("/dev/ttyUSB0"));
        assertEquals("device", SerialPorts.schemeOf("/dev/serial/by-id/usb-1a86_USB2.0-Serial-if00-port0"));
        assertEquals("device", SerialPorts.schemeOf("usb:1a86:7523"));
        assertEquals("device", SerialPorts.schemeOf("C:"));
        assertEquals("device", SerialPorts.schemeOf(null));
        assertEquals("sim", SerialPorts.schemeOf("sim:sds011"));
        assertEquals("sim", SerialPorts.schemeOf(" SIM:x"));
    }

    @Test
    void settingsRefuseNonsense() {
        assertThrows(IllegalArgumentException.class, () -> SerialSettings.eightN1(0));
        assertThrows(IllegalArgumentException.class, () -> new SerialSettings(9600, 9, SerialSettings.Parity.NONE, SerialSettings.StopBits.ONE));
        assertThrows(IllegalArgumentException.class, () -> new SerialSettings(9600, 8, null, SerialSettings.StopBits.ONE));
        assertEquals(new SerialSettings(9600, 8, SerialSettings.Parity.NONE, SerialSettings.StopBits.ONE), SerialSettings.eightN1(9600));
    }
}
