package dev.hearth.management.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void metatypePasswordsAndSecretLookingNamesAreMasked() {
        Map<String, Object> shown = Secrets.masked(Map.of("pin", "1234", "password", "hunter2", ".password", "p", "api_key", "k",
                "token", "t", "client_key_file", "/etc/k.pem", "host", "h", "key", "x", "empty_password", ""), Set.of("pin"));
        assertEquals("****", shown.get("pin"), "PASSWORD by Metatype");
        assertEquals("****", shown.get("password"));
        assertEquals("****", shown.get(".password"));
        assertEquals("****", shown.get("api_key"));
        assertEquals("****", shown.get("token"));
        assertEquals("****", shown.get("client_key_file"));
        assertEquals("****", shown.get("key"));
        assertEquals("h", shown.get("host"));
        assertEquals("", shown.get("empty_password"), "an empty secret shows it is unset");
    }

    @Test
    void ordinaryNamesAreNotSecret() {
        for (String k : new String[] { "host", "keepalive", "monkey_count", "interval_seconds", "hearth.sink.id", "topic" }) {
            assertFalse(Secrets.isSecret(k, Set.of()), k);
        }
        assertTrue(Secrets.isSecret("Password_File", Set.of()));
    }

    @Test
    void scrubRemovesSecretValuesFromText() {
        assertEquals("cannot connect with ****", Secrets.scrub("cannot connect with hunter2", Map.of("password", "hunter2"), Set.of()));
    }
}
