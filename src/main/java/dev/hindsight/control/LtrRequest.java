package dev.hindsight.control;

/** A long-term retention policy as users type it: ISO-8601 periods ("P4W", "0" for none), week of year. */
public record LtrRequest(String weekly, String monthly, String yearly, Integer weekOfYear) {
    public dev.hindsight.repo.catalog.LtrPolicy toPolicy() {
        return new dev.hindsight.repo.catalog.LtrPolicy(
                dev.hindsight.repo.catalog.LtrPolicy.parse(weekly, "weekly"),
                dev.hindsight.repo.catalog.LtrPolicy.parse(monthly, "monthly"),
                dev.hindsight.repo.catalog.LtrPolicy.parse(yearly, "yearly"),
                weekOfYear == null ? 1 : weekOfYear);
    }
}
