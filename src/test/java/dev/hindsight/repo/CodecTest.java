package dev.hindsight.repo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecTest {
    static final String KEY = "servers/s1/backups/b1/bundle-00-000001";
    final Codec codec = new Codec(new SecretKeySpec(seeded(32, 1), "AES"));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65_535, 65_536, 65_537, 5 << 20})
    void roundTripsRandomAndCompressibleData(int size) throws IOException {
        for (byte[] plain : new byte[][] {seeded(size, size), compressible(size)}) {
            byte[] encoded = encode(KEY, plain);
            assertThat(decode(KEY, encoded)).isEqualTo(plain);
        }
    }

    @Test
    void compressesAndSplitsIntoFrames() throws IOException {
        byte[] plain = compressible(5 << 20);
        assertThat(encode(KEY, plain).length).isLessThan(plain.length / 4);
        byte[] random = seeded(5 << 20, 7);
        int frames = (random.length + ObjectFormat.FRAME_PLAINTEXT_MAX - 1) / ObjectFormat.FRAME_PLAINTEXT_MAX;
        int overhead = ObjectFormat.HEADER_SIZE
                + (frames + 1) * (ObjectFormat.FRAME_HEADER_SIZE + ObjectFormat.TAG_SIZE);
        assertThat(encode(KEY, random).length).isBetween(random.length, random.length + overhead + 1024);
    }

    @Test
    void singleByteWritesGiveTheSameResult() throws IOException {
        byte[] plain = compressible(200_000);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (Encoder out = codec.encoder(KEY, raw)) {
            for (byte b : plain) {
                out.write(b);
            }
            assertThat(out.plainBytes()).isEqualTo(plain.length);
        }
        try (InputStream in = codec.decoder(KEY, new ByteArrayInputStream(raw.toByteArray()))) {
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                back.write(b);
            }
            assertThat(back.toByteArray()).isEqualTo(plain);
        }
    }

    @Test
    void everyFlippedByteIsCaught() throws IOException {
        byte[] encoded = encode(KEY, "a small catalog".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < encoded.length; i++) {
            byte[] damaged = encoded.clone();
            damaged[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> decode(KEY, damaged)).as("flipped byte %d", at)
                    .isInstanceOf(CorruptObjectException.class).hasMessageContaining(KEY);
        }
    }

    @Test
    void flippedBytesInLargeObjectsAreReportedAsDamageOfTheirFrame() throws IOException {
        byte[] encoded = encode(KEY, seeded(1 << 20, 3));
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            int i = random.nextInt(encoded.length);
            byte[] damaged = encoded.clone();
            damaged[i] ^= (byte) (1 << random.nextInt(8));
            assertThatThrownBy(() -> decode(KEY, damaged)).as("flipped byte %d", i)
                    .isInstanceOf(CorruptObjectException.class);
        }
        byte[] damaged = encoded.clone();
        int inSecondFrame = ObjectFormat.HEADER_SIZE + ObjectFormat.FRAME_HEADER_SIZE
                + ObjectFormat.FRAME_CIPHERTEXT_MAX + ObjectFormat.FRAME_HEADER_SIZE + 100;
        damaged[inSecondFrame] ^= 0x40;
        assertThatThrownBy(() -> decode(KEY, damaged)).hasMessageContaining("checksum mismatch in frame 1");
    }

    @Test
    void truncationIsCaughtAtEveryLength() throws IOException {
        byte[] encoded = encode(KEY, seeded(200_000, 5));
        int frame = ObjectFormat.FRAME_HEADER_SIZE + ObjectFormat.FRAME_CIPHERTEXT_MAX;
        int[] cuts = {0, 1, ObjectFormat.HEADER_SIZE, ObjectFormat.HEADER_SIZE + 3, ObjectFormat.HEADER_SIZE + frame,
                ObjectFormat.HEADER_SIZE + 2 * frame, ObjectFormat.HEADER_SIZE + 3 * frame - 1, encoded.length - 1};
        for (int cut : cuts) {
            byte[] truncated = Arrays.copyOf(encoded, cut);
            assertThatThrownBy(() -> decode(KEY, truncated)).as("cut at %d of %d", cut, encoded.length)
                    .isInstanceOf(CorruptObjectException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void droppingTheFinalFrameIsCaught() throws IOException {
        byte[] plain = seeded(ObjectFormat.FRAME_PLAINTEXT_MAX * 3, 9);
        byte[] encoded = encode(KEY, plain);
        int frame = ObjectFormat.FRAME_HEADER_SIZE + ObjectFormat.FRAME_CIPHERTEXT_MAX;
        byte[] withoutLast = Arrays.copyOf(encoded, ObjectFormat.HEADER_SIZE + 3 * frame);
        assertThat(withoutLast.length).isLessThan(encoded.length);
        assertThatThrownBy(() -> decode(KEY, withoutLast)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("without its final frame");
    }

    @Test
    void trailingBytesAreCaught() throws IOException {
        byte[] encoded = encode(KEY, seeded(1000, 11));
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        assertThatThrownBy(() -> decode(KEY, longer)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("after the final frame");
    }

    @Test
    void anObjectDoesNotDecodeUnderAnotherNameOrKey() throws IOException {
        byte[] encoded = encode(KEY, seeded(100_000, 13));
        assertThatThrownBy(() -> decode(KEY + "x", encoded)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("frame 0 fails authentication");
        Codec other = new Codec(new SecretKeySpec(seeded(32, 2), "AES"));
        assertThatThrownBy(() -> other.decoder(KEY, new ByteArrayInputStream(encoded)).readAllBytes())
                .isInstanceOf(CorruptObjectException.class).hasMessageContaining("authentication");
    }

    @Test
    void swappedFramesAreCaught() throws IOException {
        byte[] encoded = encode(KEY, seeded(ObjectFormat.FRAME_PLAINTEXT_MAX * 3, 17));
        int frame = ObjectFormat.FRAME_HEADER_SIZE + ObjectFormat.FRAME_CIPHERTEXT_MAX;
        byte[] swapped = encoded.clone();
        System.arraycopy(encoded, ObjectFormat.HEADER_SIZE, swapped, ObjectFormat.HEADER_SIZE + frame, frame);
        System.arraycopy(encoded, ObjectFormat.HEADER_SIZE + frame, swapped, ObjectFormat.HEADER_SIZE, frame);
        assertThatThrownBy(() -> decode(KEY, swapped)).hasMessageContaining("frame 0 fails authentication");
    }

    @Test
    void sameInputEncodesDifferentlyEachTime() throws IOException {
        byte[] plain = compressible(10_000);
        assertThat(encode(KEY, plain)).isNotEqualTo(encode(KEY, plain));
    }

    @Test
    void anAbortedObjectNeverDecodes() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Encoder out = codec.encoder(KEY, raw);
        out.write(seeded(300_000, 19));
        out.abort();
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> decode(KEY, raw.toByteArray())).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void rejectsObjectsThatAreNotHindsightObjects() {
        byte[] text = "{\"format\":1}".repeat(10).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(KEY, text)).isInstanceOf(CorruptObjectException.class)
                .hasMessageContaining("bad magic");
    }

    byte[] encode(String key, byte[] plain) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (Encoder out = codec.encoder(key, raw)) {
            out.write(plain);
        }
        return raw.toByteArray();
    }

    byte[] decode(String key, byte[] encoded) throws IOException {
        try (InputStream in = codec.decoder(key, new ByteArrayInputStream(encoded))) {
            return in.readAllBytes();
        }
    }

    static byte[] seeded(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Text-like data with repeats, roughly as compressible as database pages. */
    static byte[] compressible(int size) {
        Random random = new Random(size);
        byte[] bytes = new byte[size];
        String[] words = {"hindsight ", "backup ", "restore ", "wal ", "lsn ", "0/16B3F48 ", "page ", "\n"};
        int i = 0;
        while (i < size) {
            byte[] word = words[random.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(word.length, size - i);
            System.arraycopy(word, 0, bytes, i, n);
            i += n;
        }
        return bytes;
    }
}
