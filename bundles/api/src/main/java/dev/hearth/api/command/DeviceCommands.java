package dev.hearth.api.command;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Commands a driver offers for the devices it runs, registered as a service (one per driver
 * instance). Callers validate arguments with {@link CommandSpec#validate} before calling
 * {@link #execute}; implementations validate again, because a caller may not have.
 */
@ConsumerType
public interface DeviceCommands {

    /** The devices this service commands, by reading device id. */
    Set<String> devices();

    /** The commands {@code device} takes; empty if it is not one of {@link #devices()}. */
    List<CommandSpec> commands(String device);

    /**
     * Runs {@code command} on {@code device} with arguments as text. Completes once the device has
     * done it (and, where the device can say, confirmed it) with a short human-readable result, or
     * exceptionally with the reason: {@link IllegalArgumentException} for an unknown device,
     * command or a bad argument, any other exception for the device failing.
     */
    CompletionStage<String> execute(String device, String command, Map<String, String> args);
}
