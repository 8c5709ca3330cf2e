package dev.hearth.transport.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GpioLineTest {

    @Test
    void parsesBcmNumbersAndChipOffsets() {
        assertEquals(GpioLine.bcm(17), GpioLine.parse("17"));
        assertEquals(GpioLine.bcm(17), GpioLine.parse(" GPIO17 "));
        assertEquals(GpioLine.bcm(4), GpioLine.parse("bcm4"));
        assertEquals(new GpioLine("gpiochip4", 22), GpioLine.parse("gpiochip4:22"));
        assertEquals(GpioLine.bcm(0), GpioLine.parse("0"));
        assertEquals(GpioLine.bcm(17), GpioLine.parse("GPIO17\n"));
        assertEquals(GpioLine.bcm(GpioLine.MAX_OFFSET), GpioLine.parse("1023"));
    }

    @Test
    void printsAsItIsWritten() {
        assertEquals("GPIO17", GpioLine.bcm(17).toString());
        assertEquals("gpiochip0:5", new GpioLine("gpiochip0", 5).toString());
        assertEquals("", new GpioLine(null, 3).chip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-1", "1024", "99999", "17.5", "GPIO", "pin 7", "gpiochip0:", ":17", "gpiochip0:-3",
            "../../etc/passwd:1", "gpiochip0/../x:1", "gpiochip:1", "gpiochip1234:1", "gpiochip0:17:1", "0x11", "１７",
            "gpiochip0\u0000:1", "1111111111111111111111111111111111111111111111111111"})
    void refusesAnythingElseWithTheReason(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpioLine.parse(text));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
        assertTrue(!e.getMessage().contains("\u0000") && !e.getMessage().contains("\n"), "control characters are not echoed");
    }

    @Test
    void refusesOffsetsOutOfRangeAndChipNamesThatWouldWalkOutOfDev() {
        assertThrows(IllegalArgumentException.class, () -> GpioLine.bcm(-1));
        assertThrows(IllegalArgumentException.class, () -> GpioLine.bcm(1024));
        assertThrows(IllegalArgumentException.class, () -> new GpioLine("../gpiochip0", 1));
        assertThrows(IllegalArgumentException.class, () -> new GpioLine("/dev/gpiochip0", 1));
        assertThrows(IllegalArgumentException.class, () -> new GpioLine("ttyS0", 1));
    }
}
