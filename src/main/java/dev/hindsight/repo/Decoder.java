package dev.hindsight.repo;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdIOException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;

import java.io.IOException;
import java.io.InputStream;

/**
 * The plaintext side of one object being read (see {@link Codec#decoder}). Frame errors surface
 * from the {@link FrameReader} as they are; a zstd error can only mean authenticated bytes that
 * are not a zstd stream, and is reported as a damaged object too rather than as a zstd detail.
 */
final class Decoder extends InputStream {
    private final String key;
    private final ZstdInputStreamNoFinalizer zstd;
    private final byte[] one = new byte[1];

    Decoder(String key, FrameReader frames) throws IOException {
        this.key = key;
        this.zstd = new ZstdInputStreamNoFinalizer(frames, RecyclingBufferPool.INSTANCE);
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        try {
            return zstd.read(bytes, offset, length);
        } catch (ZstdIOException e) {
            throw new CorruptObjectException(key, "it does not decompress (" + e.getMessage() + ")");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return zstd.skip(n);
        } catch (ZstdIOException e) {
            throw new CorruptObjectException(key, "it does not decompress (" + e.getMessage() + ")");
        }
    }

    @Override
    public int available() throws IOException {
        return zstd.available();
    }

    @Override
    public void close() throws IOException {
        zstd.close();
    }
}
