package dev.hindsight.api;

import dev.hindsight.util.HindsightException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PEM certificate chain and its PKCS#8 private key (what certbot and openssl write) as a key store for Jetty. */
final class PemKeyStore {
    static final char[] NO_PASSWORD = new char[0];
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeyStore() {
    }

    static KeyStore load(Path certFile, Path keyFile) {
        try {
            Certificate[] chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(certFile)))
                    .toArray(Certificate[]::new);
            if (chain.length == 0) {
                throw HindsightException.invalid("no certificate in " + certFile,
                        "give the PEM file that holds '-----BEGIN CERTIFICATE-----' (the server's first, then its chain)");
            }
            PrivateKey key = privateKey(keyFile, chain[0].getPublicKey().getAlgorithm());
            if (!matches(key, chain[0])) {
                throw HindsightException.invalid("the key in " + keyFile + " is not the key of the certificate in "
                        + certFile, "give the private key the certificate was issued for");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("hindsight", key, NO_PASSWORD, chain);
            return store;
        } catch (IOException e) {
            throw HindsightException.invalid("cannot read the TLS files: " + e.getMessage(),
                    "check that --tls-cert and --tls-key name readable files");
        } catch (GeneralSecurityException e) {
            throw HindsightException.invalid("the TLS files are not a certificate and its key: " + e.getMessage(),
                    "give PEM files as openssl or certbot write them");
        }
    }

    /** A handshake with a key that is not the certificate's fails on the client's side, far from the cause. */
    private static boolean matches(PrivateKey key, Certificate cert) throws GeneralSecurityException {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
        byte[] probe = "hindsight".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(cert.getPublicKey());
        verify.update(probe);
        return verify.verify(signature);
    }

    private static PrivateKey privateKey(Path keyFile, String algorithm) throws IOException, GeneralSecurityException {
        String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(text);
        if (!m.find()) {
            throw HindsightException.invalid(keyFile + " holds no unencrypted PKCS#8 private key",
                    "convert it with `openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out key.pem`");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
