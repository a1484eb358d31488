package dev.hindsight.plan;

/**
 * How retention places log objects against backup positions: each object and each position
 * falls in a numbered unit of the log (a WAL segment, a binary log file), and log is kept or
 * deleted a whole unit at a time.
 */
public interface LogUnits<L> {
    long unitOf(L object);

    long unitOf(String position);
}
