package dev.hearth.driver.kasa.internal.sim;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** The demo's simulated Kasa plug. Present only when {@code dev.hearth.simulator.kasa} is configured. */
@ObjectClassDefinition(name = "Hearth Kasa plug simulator (demo)",
        description = "A local TCP server speaking the Kasa legacy protocol with a changing load, for the demo. Not for production.")
public @interface KasaSimulatorConfig {

    @AttributeDefinition(name = "Address", description = "Where it listens; keep it on loopback.")
    String address() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "TCP port; point a dev.hearth.driver.kasa configuration here.", min = "1", max = "65535")
    int port() default 19999;

    @AttributeDefinition(name = "Model", options = {
            @Option(value = "HS110V1", label = "HS110 hardware 1.0 (meter in W, V, A, kWh)"),
            @Option(value = "HS110V2", label = "HS110 hardware 2.0 (meter in mW, mV, mA, Wh)"),
            @Option(value = "HS300", label = "HS300 power strip, six outlets")})
    String model() default "HS110V2";

    @AttributeDefinition(name = "Alias", description = "The plug's name; the driver's default device id is made from it.")
    String alias() default "Demo Fridge";
}
