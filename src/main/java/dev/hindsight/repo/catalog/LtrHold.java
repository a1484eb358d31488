package dev.hindsight.repo.catalog;

import java.time.Instant;

/**
 * Why and until when long-term retention keeps a full backup beyond the retention window.
 *
 * @param kind weekly, monthly or yearly
 */
public record LtrHold(String kind, Instant until) {
}
