package dev.hindsight.repo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * Gets the JIT to compile the data path's cryptography before real data needs it. HotSpot runs
 * AES-GCM and SHA-256 on the processor's instructions (AES-NI, carry-less multiply, SHA
 * extensions: ~2 GB/s on this machine) only once C2 has compiled their callers, which takes
 * thousands of calls. A frame is one call per 64 KiB, so a fresh daemon sealed its first ~400 MB
 * at 40–400 MB/s in plain Java: most of the WAL capture's CPU under load in a daemon's first
 * minutes (bench/pg-rpo.sh), and the same again in the first restore's decoding. Many calls on
 * a small buffer trigger the same compilation for a fraction of the work (~0.2 s of one core).
 */
public final class JitWarmup {
    /** More than HotSpot's C2 thresholds (Tier4InvocationThreshold 5000, Tier4CompileThreshold 15000). */
    static final int CALLS = 20_000;
    private static final int SMALL = 256;
    private static final int WHOLE_EVERY = 20;

    private static final Logger log = LoggerFactory.getLogger(JitWarmup.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private JitWarmup() {
    }

    /**
     * Runs {@link #run} on a daemon thread of low priority, once per JVM (compiled code stays), and
     * returns at once.
     */
    public static void startInBackground() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                run();
            } catch (RuntimeException e) {
                log.warn("warming up the cryptography failed: {}", e.toString());
            }
        }, "jit-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Seals and opens {@link #CALLS} small frames and hashes as many small buffers; returns when done. */
    public static void run() {
        SecureRandom random = new SecureRandom();
        byte[] macKey = new byte[32];
        byte[] salt = new byte[ObjectFormat.SALT_SIZE];
        byte[] noncePrefix = new byte[ObjectFormat.NONCE_PREFIX_SIZE];
        random.nextBytes(macKey);
        random.nextBytes(salt);
        random.nextBytes(noncePrefix);
        // a key of its own, thrown away after: the nonces of real objects are never touched
        SecretKeySpec mac = new SecretKeySpec(macKey, "HmacSHA256");
        ObjectFormat.Header header = new ObjectFormat.Header(salt, noncePrefix);
        FrameCipher sealer = new FrameCipher(mac, header, "jit-warmup", Cipher.ENCRYPT_MODE);
        FrameCipher opener = new FrameCipher(mac, header, "jit-warmup", Cipher.DECRYPT_MODE);
        byte[] plain = new byte[ObjectFormat.FRAME_PLAINTEXT_MAX];
        random.nextBytes(plain);
        byte[] sealed = new byte[plain.length + ObjectFormat.TAG_SIZE];
        byte[] opened = new byte[plain.length + ObjectFormat.TAG_SIZE];
        MessageDigest sha = sha256();
        CRC32C crc = new CRC32C();
        for (int i = 0; i < CALLS; i++) {
            // now and then a whole frame: code compiled on small calls only would be thrown away
            // (deoptimized) at the first large one, and the warm-up lost
            int length = i % WHOLE_EVERY == 0 ? plain.length : SMALL;
            int n = sealer.seal(i, false, plain, length, sealed, 0);
            int m;
            try {
                m = opener.open(i, false, sealed, 0, n, opened);
            } catch (AEADBadTagException e) {
                throw new IllegalStateException("AES-GCM did not open what it had just sealed (frame " + i + ")", e);
            }
            if (m != length || !Arrays.equals(plain, 0, length, opened, 0, length)) {
                throw new IllegalStateException("AES-GCM opened frame " + i + " to other bytes than were sealed");
            }
            sha.update(sealed, 0, n);
            crc.update(sealed, 0, n);
        }
        sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
