package dev.hearth.transport.gpio;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One GPIO line: a chip and an offset on it. An empty chip means the board's main GPIO chip,
 * where the offset is the BCM number printed on Raspberry Pi pin-out charts ({@code GPIO17}).
 *
 * @param chip empty, or a character-device name {@code gpiochipN}
 * @param offset the line's offset on the chip, 0..1023
 */
public record GpioLine(String chip, int offset) {

    /** Highest offset accepted; real chips have at most a few hundred lines. */
    public static final int MAX_OFFSET = 1023;
    private static final Pattern CHIP = Pattern.compile("gpiochip[0-9]{1,3}");

    public GpioLine {
        chip = chip == null ? "" : chip.strip();
        // the name becomes a path under /dev: only the kernel's own names, nothing that could walk elsewhere
        if (!chip.isEmpty() && !CHIP.matcher(chip).matches()) {
            throw new IllegalArgumentException("chip must be empty (the main GPIO chip) or gpiochipN, is '" + printable(chip) + "'");
        }
        if (offset < 0 || offset > MAX_OFFSET) throw new IllegalArgumentException("line offset must be within 0.." + MAX_OFFSET + ", is " + offset);
    }

    /** A line of the board's main GPIO chip by its BCM number. */
    public static GpioLine bcm(int number) {
        return new GpioLine("", number);
    }

    /**
     * Parses {@code 17}, {@code GPIO17}, {@code BCM17} (the main chip) or {@code gpiochip0:17}.
     *
     * @throws IllegalArgumentException with the reason, for anything else
     */
    public static GpioLine parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("no GPIO line given");
        String s = text.strip();
        if (s.length() > 32) throw new IllegalArgumentException("not a GPIO line: '" + printable(s.substring(0, 32)) + "...'");
        int colon = s.indexOf(':');
        String chip = colon < 0 ? "" : s.substring(0, colon);
        if (colon == 0) throw new IllegalArgumentException("not a GPIO line: '" + printable(s) + "' (a chip name before ':' or no ':' at all)");
        String number = colon < 0 ? s : s.substring(colon + 1);
        String upper = number.toUpperCase(Locale.ROOT);
        if (colon < 0 && upper.startsWith("GPIO")) number = number.substring(4);
        else if (colon < 0 && upper.startsWith("BCM")) number = number.substring(3);
        if (!number.matches("[0-9]{1,4}")) throw new IllegalArgumentException("not a GPIO line: '" + printable(s)
                + "' (expected a BCM number like 17 or GPIO17, or chip:offset like gpiochip0:17)");
        return new GpioLine(chip, Integer.parseInt(number));
    }

    @Override
    public String toString() {
        return chip.isEmpty() ? "GPIO" + offset : chip + ":" + offset;
    }

    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
