package dev.hindsight.repo;

import dev.hindsight.store.NoSuchObjectException;
import dev.hindsight.store.ReplicatedStore;
import dev.hindsight.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an object from the first copy that has it whole. When a copy is missing the object or
 * fails its checksums (even midway: decoding is deterministic, so the next copy is decoded
 * again up to where the reader was), the next copy takes over, and the placed copies that
 * failed are repaired from the good one once the reader closes.
 */
final class HealingRead extends InputStream {
    private final String key;
    private final Codec codec;
    private final Healer healer;
    private final List<Store> candidates = new ArrayList<>();
    private final int placed;
    private final List<Store> damaged = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();
    private int current = -1;
    private InputStream in;
    private long delivered;
    /** What to report if no copy reads: damage or an unreachable copy says more than "missing". */
    private IOException failure;

    private HealingRead(String key, ReplicatedStore store, Codec codec, Healer healer) {
        this.key = key;
        this.codec = codec;
        this.healer = healer;
        List<Store> placedCopies = store.placedCopies(key);
        this.placed = placedCopies.size();
        candidates.addAll(placedCopies);
        candidates.addAll(store.otherCopies(key));
    }

    static InputStream open(String key, ReplicatedStore store, Codec codec, Healer healer) throws IOException {
        HealingRead read = new HealingRead(key, store, codec, healer);
        read.next(null);
        return read;
    }

    /** Moves to the next copy (after {@code failure} of the current one), positioned where the reader is. */
    private void next(IOException failure) throws IOException {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // the copy already failed
            }
            in = null;
        }
        if (failure != null) {
            failed(failure);
        }
        while (++current < candidates.size()) {
            try {
                InputStream candidate = codec.decoder(key, candidates.get(current).open(key));
                candidate.skipNBytes(delivered);
                in = candidate;
                return;
            } catch (IOException e) {
                failed(e);
            }
        }
        throw this.failure != null ? this.failure : new NoSuchObjectException(key, "any copy");
    }

    private void failed(IOException e) {
        if (current < placed && (e instanceof CorruptObjectException || e instanceof NoSuchObjectException)) {
            damaged.add(candidates.get(current));
            reasons.add(e.getMessage());
        }
        if (failure == null || (failure instanceof NoSuchObjectException && !(e instanceof NoSuchObjectException))) {
            failure = e;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (true) {
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    delivered += n;
                }
                return n;
            } catch (IOException e) {
                next(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
        if (!damaged.isEmpty() && current < candidates.size()) {
            healer.repair(key, candidates.get(current), damaged, reasons);
        }
    }
}
