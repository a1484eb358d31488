package dev.hindsight.plan;

/**
 * What a server's backups take, by kind, as stored (compressed and encrypted) and as logical
 * size, and what of it is billable beyond the free allowance (the provisioned storage size).
 *
 * @param ltr              fulls that a long-term hold alone keeps, older than every backup the
 *                         window needs (within it, a full with a hold counts as a full)
 * @param gbMonthThisMonth average billable GiB over this month's hourly samples (Azure's method:
 *                         the sum of hourly usage divided by the hours sampled); null without samples
 * @param immutableBytes   stored bytes the storage holds immutable now: no purge can free them yet
 */
public record UsageReport(
        Part full,
        Part differential,
        Part log,
        Part ltr,
        long totalStoredBytes,
        long totalLogicalBytes,
        double compressionRatio,
        long allowanceBytes,
        long billableBytes,
        Double gbMonthThisMonth,
        int samplesThisMonth,
        long immutableBytes) {

    /** The same report with {@code bytes} held immutable. */
    public UsageReport withImmutableBytes(long bytes) {
        return new UsageReport(full, differential, log, ltr, totalStoredBytes, totalLogicalBytes, compressionRatio,
                allowanceBytes, billableBytes, gbMonthThisMonth, samplesThisMonth, bytes);
    }

    /** One kind of backup: how many objects sets, stored and logical bytes. */
    public record Part(long count, long storedBytes, long logicalBytes) {
        public static final Part NONE = new Part(0, 0, 0);

        public Part plus(long n, long stored, long logical) {
            return new Part(count + n, storedBytes + stored, logicalBytes + logical);
        }
    }
}
