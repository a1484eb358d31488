package dev.hindsight.repo.catalog;

import dev.hindsight.util.HindsightException;

import java.time.Period;
import java.time.format.DateTimeParseException;

/**
 * Long-term retention, as Azure SQL defines it: keep the first full backup of every week for
 * {@code weekly}, of every month for {@code monthly}, and of week {@code weekOfYear} of every year
 * for {@code yearly}; a zero period keeps none. Up to 10 years.
 */
public record LtrPolicy(Period weekly, Period monthly, Period yearly, int weekOfYear) {
    public static final Period NONE = Period.ZERO;
    static final int MAX_DAYS = 3653; // ten years

    public LtrPolicy {
        for (Period p : new Period[]{weekly, monthly, yearly}) {
            if (p.isNegative() || approximateDays(p) > MAX_DAYS) {
                throw HindsightException.invalid("long-term retention of " + p + " is out of range",
                        "give an ISO-8601 period of at most 10 years (e.g. P4W, P12M, P10Y), or 0 for none");
            }
        }
        if (weekOfYear < 1 || weekOfYear > 52) {
            throw HindsightException.invalid("week of year " + weekOfYear + " is out of range", "give 1 to 52");
        }
    }

    /** Parses {@code P4W}, {@code P12M}, {@code P10Y}, or {@code 0} for none. */
    public static Period parse(String text, String what) {
        if (text == null || text.equals("0")) {
            return NONE;
        }
        try {
            return Period.parse(text.toUpperCase());
        } catch (DateTimeParseException e) {
            throw HindsightException.invalid("cannot read the " + what + " retention '" + text + "'",
                    "give an ISO-8601 period such as P4W, P12M or P10Y, or 0 for none");
        }
    }

    public boolean keepsNothing() {
        return weekly.isZero() && monthly.isZero() && yearly.isZero();
    }

    static long approximateDays(Period p) {
        return p.getYears() * 366L + p.getMonths() * 31L + p.getDays();
    }
}
