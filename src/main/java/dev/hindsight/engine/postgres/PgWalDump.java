package dev.hindsight.engine.postgres;

import dev.hindsight.util.Processes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the transaction ends (commit and abort times) in one WAL segment with PostgreSQL's own
 * {@code pg_waldump}: the records recovery_target_time is judged against.
 */
final class PgWalDump {
    private static final Pattern END = Pattern.compile(
            "desc: (?:COMMIT|ABORT)(?:_PREPARED \\d+:)? "
                    + "(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,6})?) UTC");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    private PgWalDump() {
    }

    /**
     * The commit and abort times in {@code segment} (a file in {@code dir}), in WAL order. A segment
     * that ends early (the zero-padded open tail) makes pg_waldump stop with an error after the
     * last valid record; what it printed before is complete, so that is not a failure.
     */
    static List<Instant> transactionEnds(PgInstallation pg, Path dir, String segment) {
        Processes.Result r = Processes.runAllowingFailure(List.of(pg.tool("pg_waldump").toString(),
                        "--rmgr=Transaction", "--path=" + dir, segment, segment),
                Map.of("TZ", "UTC"), dir, Duration.ofMinutes(1));
        return parse(r.output());
    }

    static List<Instant> parse(String output) {
        List<Instant> out = new ArrayList<>();
        Matcher m = END.matcher(output);
        while (m.find()) {
            String text = m.group(1);
            int dot = text.indexOf('.');
            if (dot >= 0) {
                text = text + "000000".substring(text.length() - dot - 1);
            }
            out.add(LocalDateTime.parse(text, TIME).toInstant(ZoneOffset.UTC));
        }
        return out;
    }
}
