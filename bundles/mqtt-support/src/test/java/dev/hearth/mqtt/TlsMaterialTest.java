package dev.hearth.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys made by openssl, then damaged in every way a configuration can get them wrong. */
class TlsMaterialTest {

    @TempDir
    static Path pkiDir;
    static Pki pki;
    static Path rsaKey;
    static Path rsaCert;
    static Path ecKey;
    static Path ecCert;

    @TempDir
    Path dir;

    @BeforeAll
    static void makePki() throws Exception {
        pki = new Pki(pkiDir);
        rsaKey = pki.key("client-rsa", "RSA");
        rsaCert = pki.cert("client-rsa", rsaKey, "client-rsa", null, "clientAuth");
        ecKey = pki.key("client-ec", "EC");
        ecCert = pki.cert("client-ec", ecKey, "client-ec", null, "clientAuth");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.ISO_8859_1);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static IllegalArgumentException refused(Path cert, Path key) {
        return assertThrows(IllegalArgumentException.class, () -> ClientCertificate.load(cert, key));
    }

    /** Refusals never carry key material: no line of the key's base64 appears in the message. */
    private static void noKeyMaterial(String message, Path key) throws Exception {
        for (String line : Files.readAllLines(key)) {
            if (!line.startsWith("-----") && line.length() > 8) assertFalse(message.contains(line), message);
        }
    }

    @Test
    void rsaAndEcClientCertificatesLoadWithTheirChain() throws Exception {
        ClientCertificate rsa = ClientCertificate.load(rsaCert, rsaKey);
        assertEquals("CN=client-rsa", rsa.chain()[0].getSubjectX500Principal().getName());
        assertEquals(1, rsa.keyManagerFactory().getKeyManagers().length);
        assertTrue(rsa.toString().contains("client-rsa.pem"), rsa.toString());
        noKeyMaterial(rsa.toString(), rsaKey);
        ClientCertificate ec = ClientCertificate.load(ecCert, ecKey);
        assertEquals("EC", ec.chain()[0].getPublicKey().getAlgorithm());
        assertTrue(ec.notAfter().isAfter(java.time.Instant.now()));

        // a chain file: leaf then CA, as the README asks
        Path chain = write("chain.pem", Files.readString(ecCert) + Files.readString(pki.caCert));
        assertEquals(2, ClientCertificate.load(chain, ecKey).chain().length);
    }

    @Test
    void aKeyThatIsNotTheCertificatesKeyIsRefusedByName() throws Exception {
        IllegalArgumentException e = refused(rsaCert, ecKey);
        assertTrue(e.getMessage().startsWith("client_key_file " + ecKey + " is not the key of the first certificate"), e.getMessage());
        assertTrue(e.getMessage().contains("CN=client-rsa"), e.getMessage());
        // same algorithm, other key
        Path otherEc = pki.key("other-ec", "EC");
        e = refused(ecCert, otherEc);
        assertTrue(e.getMessage().contains("is not the key of the first certificate"), e.getMessage());
        noKeyMaterial(e.getMessage(), otherEc);
        // the CA first in the chain: the key is the leaf's, not the CA's
        Path caFirst = write("ca-first.pem", Files.readString(pki.caCert) + Files.readString(ecCert));
        assertTrue(refused(caFirst, ecKey).getMessage().contains("CN=Hearth Test CA"));
    }

    @Test
    void missingEmptyAndDirectoryFilesAreNamed() throws Exception {
        Path none = dir.resolve("absent.pem");
        assertEquals("client_cert_file " + none + " does not exist", refused(none, ecKey).getMessage());
        assertEquals("client_key_file " + none + " does not exist", refused(ecCert, none).getMessage());
        Path empty = write("empty.pem", "");
        assertEquals("client_cert_file " + empty + " is empty", refused(empty, ecKey).getMessage());
        assertEquals("client_key_file " + empty + " is empty", refused(ecCert, empty).getMessage());
        assertEquals("client_key_file " + dir + " is a directory", refused(ecCert, dir).getMessage());
    }

    @Test
    void malformedAndTruncatedCertificatesAreRefused() throws Exception {
        String pem = Files.readString(ecCert);
        Path truncated = write("truncated.pem", pem.substring(0, pem.length() / 2));
        assertTrue(refused(truncated, ecKey).getMessage().startsWith("client_cert_file " + truncated + " is not a PEM certificate file"),
                refused(truncated, ecKey).getMessage());
        Path noEnd = write("no-end.pem", pem.replace("-----END CERTIFICATE-----", ""));
        assertTrue(refused(noEnd, ecKey).getMessage().contains("client_cert_file"));
        char[] b64 = pem.toCharArray();
        int mid = pem.indexOf('\n', pem.length() / 3) + 5;
        b64[mid] = '*';
        Path corrupt = write("corrupt.pem", new String(b64));
        assertTrue(refused(corrupt, ecKey).getMessage().contains("client_cert_file"));
        Path text = write("text.pem", "this is not a certificate\n");
        assertTrue(refused(text, ecKey).getMessage().contains("client_cert_file " + text), refused(text, ecKey).getMessage());
        // the key where the certificate belongs
        assertTrue(refused(ecKey, ecKey).getMessage().contains("client_cert_file"));
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        Path binary = write("noise.pem", noise);
        assertTrue(refused(binary, ecKey).getMessage().contains("client_cert_file"));
    }

    @Test
    void malformedTruncatedAndOtherKeyFormsAreRefusedWithTheWayOut() throws Exception {
        String pem = Files.readString(rsaKey);
        Path truncated = write("truncated.key", pem.substring(0, pem.length() / 2));
        assertEquals("client_key_file " + truncated + " is truncated: no END PRIVATE KEY line", refused(rsaCert, truncated).getMessage());

        // cut inside the base64 but with the END line: the DER is incomplete
        String[] lines = pem.split("\n");
        String shortened = lines[0] + "\n" + String.join("\n", Arrays.copyOfRange(lines, 1, lines.length / 2)) + "\n"
                + lines[lines.length - 1] + "\n";
        Path cut = write("cut.key", shortened);
        IllegalArgumentException e = refused(rsaCert, cut);
        assertTrue(e.getMessage().contains("not an RSA, EC or Ed25519 key"), e.getMessage());
        noKeyMaterial(e.getMessage(), rsaKey);

        Path badBase64 = write("bad64.key", pem.replace(lines[2], "!!!!" + lines[2].substring(4)));
        e = refused(rsaCert, badBase64);
        assertTrue(e.getMessage().contains("not valid base64"), e.getMessage());
        noKeyMaterial(e.getMessage(), rsaKey);

        Path emptyBody = write("empty-body.key", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n");
        assertTrue(refused(rsaCert, emptyBody).getMessage().contains("the key is empty"));

        Path pkcs1 = dir.resolve("pkcs1.key");
        Pki.openssl("rsa", "-in", rsaKey.toString(), "-traditional", "-out", pkcs1.toString());
        e = refused(rsaCert, pkcs1);
        assertTrue(e.getMessage().contains("holds a PKCS#1 RSA key") && e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"),
                e.getMessage());

        Path sec1 = dir.resolve("sec1.key");
        Pki.openssl("ec", "-in", ecKey.toString(), "-out", sec1.toString());
        assertTrue(refused(ecCert, sec1).getMessage().contains("holds a SEC1 EC key"), refused(ecCert, sec1).getMessage());

        Path encrypted = dir.resolve("encrypted.key");
        Pki.openssl("pkcs8", "-topk8", "-in", ecKey.toString(), "-passout", "pass:secret", "-out", encrypted.toString());
        assertTrue(refused(ecCert, encrypted).getMessage().contains("holds an encrypted key"));

        assertTrue(refused(ecCert, ecCert).getMessage().contains("holds a certificate"));
        Path latin = write("latin.key", "-----BEGIN PRIVATE KEY-----\nMIIE\u00e9\u00ff\n-----END PRIVATE KEY-----\n");
        assertTrue(refused(ecCert, latin).getMessage().contains("client_key_file " + latin));
    }

    @Test
    void oversizedFilesAndEndlessDevicesAreRefusedWithoutReadingThemWhole() throws Exception {
        String pem = Files.readString(ecCert);
        // a valid certificate followed by a mountain of padding: refused for its size, not parsed
        Path big = write("big.pem", pem + " ".repeat(TlsMaterial.MAX_FILE_BYTES));
        IllegalArgumentException e = refused(big, ecKey);
        assertEquals("client_cert_file " + big + " is larger than " + TlsMaterial.MAX_FILE_BYTES + " bytes: not a PEM file", e.getMessage());
        Path bigKey = write("big.key", Files.readString(ecKey) + "\n".repeat(TlsMaterial.MAX_FILE_BYTES));
        assertTrue(refused(ecCert, bigKey).getMessage().contains("is larger than"));
        // exactly the limit is still read
        String padded = pem + "\n".repeat(TlsMaterial.MAX_FILE_BYTES - pem.length());
        assertEquals(1, ClientCertificate.load(write("limit.pem", padded), ecKey).chain().length);
        // /dev/zero has no size and no end
        assertTrue(refused(ecCert, Path.of("/dev/zero")).getMessage().contains("is larger than"));
        assertTrue(refused(Path.of("/dev/zero"), ecKey).getMessage().contains("is larger than"));
        e = assertThrows(IllegalArgumentException.class, () -> TlsMaterial.trust(big.toString(), ""));
        assertTrue(e.getMessage().startsWith("ca_file " + big + " is larger than"), e.getMessage());
    }

    @Test
    void caFileAndPinGoThroughTlsTrustWithTheKeyNamed() throws Exception {
        assertFalse(TlsMaterial.trust(pki.caCert.toString(), "").isPinned());
        assertTrue(TlsMaterial.trust("", pki.fingerprint(pki.caCert)).isPinned());
        assertTrue(TlsMaterial.trust(null, null).toString().contains("system"));
        Path none = dir.resolve("none.pem");
        assertEquals("ca_file " + none + " does not exist",
                assertThrows(IllegalArgumentException.class, () -> TlsMaterial.trust(none.toString(), "")).getMessage());
        Path text = write("ca.txt", "no certificates here\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.trust(text.toString(), "")).getMessage()
                .startsWith("ca_file: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.trust("", "ab:cd")).getMessage()
                .startsWith("tls_sha256: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TlsMaterial.trust(none.toString(), "ab")).getMessage()
                .contains("not both"));
        assertEquals(1, TlsMaterial.trustManagerFactory(TlsMaterial.trust(pki.caCert.toString(), "")).getTrustManagers().length);
    }
}
