package dev.hindsight.repo;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * AES-256-GCM for the frames of one object. One Cipher per stream, re-initialised per frame
 * with nonce = header nonce prefix (8) + frame index (4), and AAD = version, final flag, frame
 * index and object key, so a frame only opens at its own place in its own object.
 *
 * <p>Each object is sealed under its own key, HMAC-SHA256(data key, label + 16-byte random salt
 * from the header). Under one repository-wide key, 8 random nonce bytes per object would make a
 * repeated nonce (which breaks GCM outright) likelier than NIST's 2^-32 bound after ~90,000
 * objects: about one day of one-per-second WAL tail objects of a single server.
 */
final class FrameCipher {
    private static final byte[] KEY_LABEL = "hindsight/object-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final int AAD_FIXED = 6;

    private final Cipher cipher;
    private final SecretKey objectKey;
    private final int mode;
    private final byte[] nonce = new byte[12];
    private final byte[] aad;

    FrameCipher(SecretKey macKey, ObjectFormat.Header header, String key, int mode) {
        this.mode = mode;
        this.objectKey = deriveObjectKey(macKey, header.salt());
        System.arraycopy(header.noncePrefix(), 0, nonce, 0, ObjectFormat.NONCE_PREFIX_SIZE);
        byte[] name = key.getBytes(StandardCharsets.UTF_8);
        aad = new byte[AAD_FIXED + name.length];
        aad[0] = (byte) header.version();
        System.arraycopy(name, 0, aad, AAD_FIXED, name.length);
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no AES/GCM cipher", e);
        }
    }

    /** Seals {@code length} bytes of {@code in} into {@code out} at {@code outOffset}; returns the ciphertext length. */
    int seal(int index, boolean last, byte[] in, int length, byte[] out, int outOffset) {
        try {
            init(index, last);
            return cipher.doFinal(in, 0, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM refused to encrypt frame " + index, e);
        }
    }

    /** Opens a frame into {@code out}; returns the plaintext length. */
    int open(int index, boolean last, byte[] in, int offset, int length, byte[] out) throws AEADBadTagException {
        try {
            init(index, last);
            return cipher.doFinal(in, offset, length, out, 0);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (ShortBufferException e) {
            throw new IllegalStateException("frame buffer too small for frame " + index, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM refused to decrypt frame " + index, e);
        }
    }

    private void init(int index, boolean last) throws GeneralSecurityException {
        ObjectFormat.putInt(nonce, ObjectFormat.NONCE_PREFIX_SIZE, index);
        aad[1] = (byte) (last ? 1 : 0);
        ObjectFormat.putInt(aad, 2, index);
        cipher.init(mode, objectKey, new GCMParameterSpec(ObjectFormat.TAG_SIZE * 8, nonce));
        cipher.updateAAD(aad);
    }

    private static SecretKey deriveObjectKey(SecretKey macKey, byte[] salt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            mac.update(KEY_LABEL);
            byte[] derived = mac.doFinal(salt);
            SecretKey key = new SecretKeySpec(derived, "AES");
            Arrays.fill(derived, (byte) 0);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }
}
