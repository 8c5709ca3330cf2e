package dev.hearth.support.net;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pin on a CA, as Elasticsearch 8 prints it: a chain signed by that CA passes, a forged one does not. */
class PinnedChainTest {

    @TempDir
    static Path dir;
    static X509Certificate ca;
    static X509Certificate leaf;
    static X509Certificate stranger;

    @BeforeAll
    static void makeCertificates() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String ks = dir.resolve("ks.p12").toString();
        TlsTrustTest.run(keytool, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Elasticsearch HTTP CA",
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks, "-storepass", "changeit");
        TlsTrustTest.run(keytool, "-genkeypair", "-alias", "node", "-keyalg", "EC", "-dname", "CN=node-1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks, "-storepass", "changeit");
        TlsTrustTest.run(keytool, "-genkeypair", "-alias", "stranger", "-keyalg", "EC", "-dname", "CN=node-1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks, "-storepass", "changeit");
        String req = dir.resolve("node.csr").toString();
        String signed = dir.resolve("node.pem").toString();
        TlsTrustTest.run(keytool, "-certreq", "-alias", "node", "-keystore", ks, "-storepass", "changeit", "-file", req);
        TlsTrustTest.run(keytool, "-gencert", "-alias", "ca", "-keystore", ks, "-storepass", "changeit", "-infile", req,
                "-outfile", signed, "-validity", "2");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(ks))) {
            store.load(in, "changeit".toCharArray());
        }
        ca = (X509Certificate) store.getCertificate("ca");
        stranger = (X509Certificate) store.getCertificate("stranger");
        try (InputStream in = Files.newInputStream(Path.of(signed))) {
            leaf = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static void check(String pin, Certificate... chain) throws CertificateException {
        X509Certificate[] x = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) x[i] = (X509Certificate) chain[i];
        ((TlsTrust.PinnedTrustManager) TlsTrust.pinned(pin).trustManager()).checkServerTrusted(x, "EC");
    }

    @Test
    void aPinOnTheCaTrustsTheNodesItSigned() throws Exception {
        check(TlsTrust.fingerprint(ca), leaf, ca);
        check(TlsTrust.fingerprint(leaf), leaf, ca);
        check(TlsTrust.fingerprint(leaf), leaf);
    }

    @Test
    void aChainThatOnlyCarriesThePublicCaIsRefused() {
        CertificateException e = assertThrows(CertificateException.class, () -> check(TlsTrust.fingerprint(ca), stranger, ca));
        assertTrue(e.getMessage().contains("not signed by the next one"), e.getMessage());
        assertThrows(CertificateException.class, () -> check(TlsTrust.fingerprint(ca), leaf));
        assertThrows(CertificateException.class, () -> check(TlsTrust.fingerprint(stranger), leaf, ca));
    }
}
