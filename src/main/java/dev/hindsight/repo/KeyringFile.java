package dev.hindsight.repo;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

/**
 * The JSON document in {@code keyring.json}: the data key, wrapped with AES-256-GCM under a key
 * derived from the passphrase, and everything needed to derive it again. It is plain JSON (byte
 * fields are Base64) so that the key can be unwrapped by hand if Hindsight is ever gone.
 */
record KeyringFile(int format, String keyId, String kdf, int iterations, byte[] salt,
                   String cipher, byte[] nonce, byte[] wrappedKey, Instant createdAt) {
    static final int FORMAT = 1;
    static final String KDF = "PBKDF2WithHmacSHA256";
    static final String CIPHER = "AES/GCM/NoPadding";
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256: 0.1-0.25 s on this machine, paid once per open. */
    static final int ITERATIONS = 310_000;
    private static final int MAX_ITERATIONS = 50_000_000;

    /** Wraps {@code dataKey} under {@code passphrase} with fresh salt and nonce. */
    static KeyringFile seal(SecretKey dataKey, String keyId, char[] passphrase, SecureRandom random, Instant now) {
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        try {
            Cipher gcm = Cipher.getInstance(CIPHER);
            gcm.init(Cipher.ENCRYPT_MODE, kek(passphrase, salt, ITERATIONS), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad(FORMAT, keyId));
            byte[] wrapped = gcm.doFinal(dataKey.getEncoded());
            return new KeyringFile(FORMAT, keyId, KDF, ITERATIONS, salt, CIPHER, nonce, wrapped, now);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot wrap the data key with " + CIPHER, e);
        }
    }

    /** The reason this document cannot be used at all (damaged or from the future), or null. */
    String problem() {
        if (format != FORMAT) {
            return "keyring format " + format + " is not readable by this Hindsight (it reads " + FORMAT + ")";
        }
        if (!KDF.equals(kdf) || !CIPHER.equals(cipher)) {
            return "unknown key derivation or cipher: " + kdf + ", " + cipher;
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS || keyId == null || salt == null || salt.length < 16
                || nonce == null || nonce.length != 12 || wrappedKey == null || wrappedKey.length != 32 + 16) {
            return "missing or malformed fields";
        }
        return null;
    }

    /** The data key; {@link AEADBadTagException} when the passphrase is not the one it was sealed with. */
    SecretKey unseal(char[] passphrase) throws AEADBadTagException {
        try {
            Cipher gcm = Cipher.getInstance(CIPHER);
            gcm.init(Cipher.DECRYPT_MODE, kek(passphrase, salt, iterations), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad(format, keyId));
            byte[] key = gcm.doFinal(wrappedKey);
            SecretKey dataKey = new SecretKeySpec(key, "AES");
            Arrays.fill(key, (byte) 0);
            return dataKey;
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unwrap the data key with " + CIPHER, e);
        }
    }

    /** Binds the wrapped key to its id, so a keyring cannot claim another key's identity. */
    private static byte[] aad(int format, String keyId) {
        return ("hindsight-keyring/" + format + "/" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey kek(char[] passphrase, byte[] salt, int iterations) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
        try {
            byte[] derived = SecretKeyFactory.getInstance(KDF).generateSecret(spec).getEncoded();
            SecretKey kek = new SecretKeySpec(derived, "AES");
            Arrays.fill(derived, (byte) 0);
            return kek;
        } finally {
            spec.clearPassword();
        }
    }
}
