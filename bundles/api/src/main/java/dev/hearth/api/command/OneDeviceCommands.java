package dev.hearth.api.command;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * {@link DeviceCommands} for a driver instance that runs one device (an iBBQ thermometer, an
 * SDS011, a Kasa plug): {@link #devices} and {@link #commands} follow from {@link #device()} and
 * {@link #commandSpecs()}, and {@link #execute(String, String, Map)} refuses another device and
 * invalid arguments before the driver's {@link #execute(String, Map)} sees them. Register the
 * component as a {@code DeviceCommands} service ({@code @Component(service = DeviceCommands.class)}):
 * callers look the service up by that name.
 */
@ConsumerType
public interface OneDeviceCommands extends DeviceCommands {

    /** The device id this driver instance publishes readings as. */
    String device();

    /** The commands the device takes. */
    List<CommandSpec> commandSpecs();

    /**
     * Runs {@code command}, one of {@link #commandSpecs()}, with arguments that passed
     * {@link CommandSpec#validate}; as {@link DeviceCommands#execute}, it completes with a short
     * result or exceptionally with the reason.
     */
    CompletionStage<String> execute(String command, Map<String, String> validArgs);

    @Override
    default Set<String> devices() {
        return Set.of(device());
    }

    @Override
    default List<CommandSpec> commands(String device) {
        return device().equals(device) ? commandSpecs() : List.of();
    }

    @Override
    default CompletionStage<String> execute(String device, String command, Map<String, String> args) {
        Map<String, String> valid;
        try {
            String own = device();
            if (!own.equals(device)) throw new IllegalArgumentException("unknown device '" + device + "' (this is '" + own + "')");
            valid = CommandSpec.validate(commandSpecs(), command, args);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return execute(command, valid);
    }
}
