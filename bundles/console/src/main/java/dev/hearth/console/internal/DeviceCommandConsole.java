package dev.hearth.console.internal;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.hearth.api.command.ArgumentSpec;
import dev.hearth.api.command.CommandSpec;
import dev.hearth.api.command.DeviceCommands;

/**
 * {@code hearth:commands} lists what each device can be told to do; {@code hearth:command device
 * name key=value…} validates the arguments against the command's spec and runs it, printing the
 * device's answer or the reason it failed.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=hearth",
        "osgi.command.function=commands",
        "osgi.command.function=command" })
public final class DeviceCommandConsole {

    /** How long the console waits for a device to answer before it says so (the command may still complete). */
    static final long TIMEOUT_SECONDS = 30;

    private final List<DeviceCommands> services = new CopyOnWriteArrayList<>();

    public DeviceCommandConsole() {
    }

    DeviceCommandConsole(List<DeviceCommands> services) {
        this.services.addAll(services);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCommands(DeviceCommands service) {
        services.add(service);
    }

    void removeCommands(DeviceCommands service) {
        services.remove(service);
    }

    /** Every device that takes commands, with each command and its arguments. */
    public String commands() {
        Map<String, List<CommandSpec>> byDevice = new LinkedHashMap<>();
        for (DeviceCommands s : services) {
            for (String device : s.devices()) byDevice.put(device, s.commands(device));
        }
        if (byDevice.isEmpty()) return "no device takes commands (no driver offers a DeviceCommands service)\n";
        StringBuilder out = new StringBuilder();
        byDevice.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            out.append(e.getKey()).append('\n');
            for (CommandSpec c : e.getValue()) {
                out.append("  ").append(c.name());
                for (ArgumentSpec a : c.arguments()) out.append(a.required() ? " " : " [").append(a.name()).append('=').append(describe(a))
                        .append(a.required() ? "" : "]");
                out.append("    ").append(c.description()).append('\n');
            }
        });
        return out.toString();
    }

    /** Runs {@code command} on {@code device}; arguments are {@code key=value} words. */
    public String command(String device, String command, String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) return "argument '" + arg + "' is not key=value\n";
            if (given.put(arg.substring(0, eq), arg.substring(eq + 1)) != null) return "argument '" + arg.substring(0, eq) + "' given twice\n";
        }
        DeviceCommands target = services.stream().filter(s -> s.devices().contains(device)).findFirst().orElse(null);
        if (target == null) {
            return "no device '" + device + "' takes commands; " + (services.isEmpty() ? "none does" : "see hearth:commands") + "\n";
        }
        CommandSpec spec = target.commands(device).stream().filter(c -> c.name().equals(command)).findFirst().orElse(null);
        if (spec == null) {
            return "device '" + device + "' has no command '" + command + "'; it takes "
                    + target.commands(device).stream().map(CommandSpec::name).sorted(Comparator.naturalOrder()).toList() + "\n";
        }
        Map<String, String> valid;
        try {
            valid = spec.validate(given);
        } catch (IllegalArgumentException e) {
            return e.getMessage() + "\n";
        }
        try {
            return device + ": " + target.execute(device, command, valid).toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS) + "\n";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return device + ": " + command + " failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()) + "\n";
        } catch (TimeoutException e) {
            return device + ": no answer within " + TIMEOUT_SECONDS + " s (the command may still complete)\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return device + ": interrupted\n";
        }
    }

    private static String plain(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static String describe(ArgumentSpec a) {
        String range = (a.min() == null ? "" : plain(a.min())) + (a.min() == null && a.max() == null ? "" : "..")
                + (a.max() == null ? "" : plain(a.max()));
        return switch (a.type()) {
            case CHOICE -> String.join("|", a.options());
            case INTEGER, DECIMAL -> a.type().name().toLowerCase() + (range.isEmpty() ? "" : " " + range);
            case BOOLEAN -> "true|false";
            case STRING -> "text";
        };
    }
}
