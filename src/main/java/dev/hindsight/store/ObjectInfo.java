package dev.hindsight.store;

import java.time.Instant;

/** What a store knows about one published object. */
public record ObjectInfo(String key, long size, Instant modified) {
}
