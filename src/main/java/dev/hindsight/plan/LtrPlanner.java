package dev.hindsight.plan;

import dev.hindsight.repo.catalog.BackupKind;
import dev.hindsight.repo.catalog.BackupRecord;
import dev.hindsight.repo.catalog.LtrHold;
import dev.hindsight.repo.catalog.LtrPolicy;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Chooses the full backups long-term retention keeps: the first completed full of every ISO week
 * (weekly), of every month (monthly), and of the chosen ISO week of every year (yearly), each held
 * for its period from the backup's consistent point. Pure; times in UTC.
 */
public final class LtrPlanner {
    private LtrPlanner() {
    }

    /** The holds the policy puts on {@code backups} at {@code now}, by backup id (expired holds left out). */
    public static Map<String, LtrHold> holds(List<BackupRecord> backups, LtrPolicy policy, Instant now) {
        Map<String, LtrHold> out = new HashMap<>();
        if (policy == null || policy.keepsNothing()) {
            return out;
        }
        List<BackupRecord> fulls = backups.stream()
                .filter(b -> b.isCompleted() && b.kind() == BackupKind.FULL)
                .sorted(Comparator.comparing(BackupRecord::consistentAt)).toList();
        hold(out, firstOfEach(fulls, t -> t.get(IsoFields.WEEK_BASED_YEAR) * 100 + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)),
                "weekly", policy.weekly(), now);
        hold(out, firstOfEach(fulls, t -> t.getYear() * 100 + t.getMonthValue()), "monthly", policy.monthly(), now);
        hold(out, firstOfEach(fulls.stream().filter(b -> utc(b).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)
                == policy.weekOfYear()).toList(), t -> t.get(IsoFields.WEEK_BASED_YEAR)), "yearly", policy.yearly(), now);
        return out;
    }

    private static List<BackupRecord> firstOfEach(List<BackupRecord> sorted, Function<ZonedDateTime, Integer> bucket) {
        Map<Integer, BackupRecord> first = new LinkedHashMap<>();
        for (BackupRecord b : sorted) {
            first.putIfAbsent(bucket.apply(utc(b)), b);
        }
        return List.copyOf(first.values());
    }

    private static void hold(Map<String, LtrHold> out, List<BackupRecord> chosen, String kind, Period period,
                             Instant now) {
        if (period.isZero()) {
            return;
        }
        for (BackupRecord b : chosen) {
            Instant until = utc(b).plus(period).toInstant();
            LtrHold existing = out.get(b.id());
            if (until.isAfter(now) && (existing == null || existing.until().isBefore(until))) {
                out.put(b.id(), new LtrHold(kind, until));
            }
        }
    }

    private static ZonedDateTime utc(BackupRecord b) {
        return b.consistentAt().atZone(ZoneOffset.UTC);
    }
}
