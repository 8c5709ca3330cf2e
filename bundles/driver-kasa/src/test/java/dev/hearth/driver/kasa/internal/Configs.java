package dev.hearth.driver.kasa.internal;

import java.lang.annotation.Annotation;

/** A {@link KasaDriverConfig} for tests, starting from the annotation's defaults. */
final class Configs {

    String host = "127.0.0.1";
    int port = 9999;
    String device = "";
    int interval = 1;
    int timeoutMs = 500;
    String[] outlets = {};
    String discover = "";
    String discoveryAddress = "255.255.255.255";
    int klapPort;

    Configs(int port, int klapPort) {
        this.port = port;
        this.klapPort = klapPort;
    }

    Configs device(String d) { device = d; return this; }
    Configs outlets(String... o) { outlets = o; return this; }
    Configs interval(int seconds) { interval = seconds; return this; }
    Configs timeout(int ms) { timeoutMs = ms; return this; }
    Configs discover(String what, String address) { host = ""; discover = what; discoveryAddress = address; return this; }
    Configs host(String h) { host = h; return this; }

    KasaDriverConfig build() {
        Configs c = this;
        return new KasaDriverConfig() {
            @Override public Class<? extends Annotation> annotationType() { return KasaDriverConfig.class; }
            @Override public String host() { return c.host; }
            @Override public int port() { return c.port; }
            @Override public String device() { return c.device; }
            @Override public int interval__seconds() { return c.interval; }
            @Override public int timeout__ms() { return c.timeoutMs; }
            @Override public String[] outlets() { return c.outlets; }
            @Override public String discover() { return c.discover; }
            @Override public String discovery__address() { return c.discoveryAddress; }
            @Override public int klap__port() { return c.klapPort; }
        };
    }
}
