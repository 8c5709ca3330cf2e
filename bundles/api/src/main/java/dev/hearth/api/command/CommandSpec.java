package dev.hearth.api.command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A command a device accepts: its name, what it does, and its arguments. */
public record CommandSpec(String name, String description, List<ArgumentSpec> arguments) {

    public CommandSpec {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        arguments = List.copyOf(arguments == null ? List.of() : arguments);
    }

    public static CommandSpec of(String name, String description, ArgumentSpec... arguments) {
        return new CommandSpec(name, description, List.of(arguments));
    }

    /**
     * Finds {@code command} among {@code commands} and validates {@code args} against it: what a
     * {@link DeviceCommands#execute} implementation does first.
     *
     * @throws IllegalArgumentException for an unknown command (naming those there are) or a bad argument
     */
    public static Map<String, String> validate(List<CommandSpec> commands, String command, Map<String, String> args) {
        for (CommandSpec spec : commands) {
            if (spec.name().equals(command)) return spec.validate(args);
        }
        throw new IllegalArgumentException("unknown command '" + command + "'; commands are "
                + String.join(", ", commands.stream().map(CommandSpec::name).toList()));
    }

    /**
     * Checks {@code args} against this command: no unknown names, every required argument present,
     * each value of its type and within its range or options. Returns the arguments normalised to
     * text (decimal and integer values in canonical form, booleans as {@code true}/{@code false}).
     *
     * @throws IllegalArgumentException naming the first argument that does not fit, and why
     */
    public Map<String, String> validate(Map<String, String> args) {
        Map<String, String> given = args == null ? Map.of() : args;
        for (String key : given.keySet()) {
            if (arguments.stream().noneMatch(a -> a.name().equals(key))) {
                throw new IllegalArgumentException("command '" + name + "' has no argument '" + key + "'"
                        + (arguments.isEmpty() ? "" : "; arguments are " + arguments.stream().map(ArgumentSpec::name).toList()));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (ArgumentSpec a : arguments) {
            String value = given.get(a.name());
            if (value == null || value.isBlank()) {
                if (a.required()) throw new IllegalArgumentException("command '" + name + "' needs argument '" + a.name() + "'");
                continue;
            }
            out.put(a.name(), a.check(value.strip()));
        }
        return out;
    }
}
