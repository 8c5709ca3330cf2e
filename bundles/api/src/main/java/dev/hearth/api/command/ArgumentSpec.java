package dev.hearth.api.command;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One argument of a command. {@code min}/{@code max} bound numbers (null for no bound);
 * {@code options} lists the accepted values of a {@link Type#CHOICE}.
 */
public record ArgumentSpec(String name, Type type, boolean required, String description, Double min, Double max, List<String> options) {

    /** The type of an argument's value. */
    public enum Type { STRING, INTEGER, DECIMAL, BOOLEAN, CHOICE }

    /** Longest text value accepted, whatever the type: a command is not a data channel. */
    public static final int MAX_LENGTH = 256;

    public ArgumentSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        description = description == null ? "" : description;
        options = List.copyOf(options == null ? List.of() : options);
        if (type == Type.CHOICE && options.isEmpty()) throw new IllegalArgumentException("a choice needs options: " + name);
    }

    public static ArgumentSpec choice(String name, boolean required, String description, String... options) {
        return new ArgumentSpec(name, Type.CHOICE, required, description, null, null, List.of(options));
    }

    public static ArgumentSpec decimal(String name, boolean required, String description, Double min, Double max) {
        return new ArgumentSpec(name, Type.DECIMAL, required, description, min, max, List.of());
    }

    public static ArgumentSpec integer(String name, boolean required, String description, Long min, Long max) {
        return new ArgumentSpec(name, Type.INTEGER, required, description, min == null ? null : min.doubleValue(),
                max == null ? null : max.doubleValue(), List.of());
    }

    public static ArgumentSpec text(String name, boolean required, String description) {
        return new ArgumentSpec(name, Type.STRING, required, description, null, null, List.of());
    }

    public static ArgumentSpec bool(String name, boolean required, String description) {
        return new ArgumentSpec(name, Type.BOOLEAN, required, description, null, null, List.of());
    }

    /** The value in canonical form, or an {@link IllegalArgumentException} saying why it does not fit. */
    String check(String value) {
        if (value.length() > MAX_LENGTH) throw bad(value, "longer than " + MAX_LENGTH + " characters");
        switch (type) {
            case STRING:
                if (value.chars().anyMatch(Character::isISOControl)) throw bad(value, "control characters are not allowed");
                return value;
            case BOOLEAN:
                String b = value.toLowerCase(Locale.ROOT);
                if (b.equals("true") || b.equals("false")) return b;
                throw bad(value, "expected true or false");
            case CHOICE:
                for (String option : options) if (option.equalsIgnoreCase(value)) return option;
                throw bad(value, "expected one of " + options);
            case INTEGER:
            case DECIMAL:
                BigDecimal number;
                try {
                    number = new BigDecimal(value);
                } catch (NumberFormatException e) {
                    throw bad(value, type == Type.INTEGER ? "expected an integer" : "expected a number");
                }
                number = number.stripTrailingZeros();
                // An exponent can make a short text a number with a billion digits: bound it before printing it.
                if (number.precision() - number.scale() > 308) throw bad(value, "out of range");
                if (number.scale() > 30) throw bad(value, "too many decimal places");
                if (type == Type.INTEGER && number.scale() > 0) throw bad(value, "expected an integer");
                if (type == Type.INTEGER && number.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) throw bad(value, "out of range");
                if (min != null && number.compareTo(BigDecimal.valueOf(min)) < 0) throw bad(value, "below the minimum " + plain(min));
                if (max != null && number.compareTo(BigDecimal.valueOf(max)) > 0) throw bad(value, "above the maximum " + plain(max));
                return type == Type.INTEGER ? number.toBigIntegerExact().toString() : number.toPlainString();
            default:
                throw new AssertionError(type);
        }
    }

    private IllegalArgumentException bad(String value, String why) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        return new IllegalArgumentException("argument '" + name + "' = '" + shown + "': " + why);
    }

    private static String plain(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
