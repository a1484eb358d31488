package dev.hindsight.repo.catalog;

import dev.hindsight.util.HindsightException;
import dev.hindsight.util.Ipv4Range;

import java.util.regex.Pattern;

/**
 * A server's firewall rule, as the managed services have them: a name and an inclusive range of
 * client IPv4 addresses allowed to connect. A server with none accepts clients on 127.0.0.1 only.
 */
public record FirewallRule(String name, String startIp, String endIp) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,79}");

    /** A checked rule: a valid name and a valid, ordered range (its addresses written canonically). */
    public static FirewallRule of(String name, String startIp, String endIp) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw HindsightException.invalid("not a valid firewall rule name: " + name,
                    "use 1-80 letters, digits, '-' and '_', starting with a letter or digit");
        }
        Ipv4Range range = Ipv4Range.of(startIp, endIp);
        return new FirewallRule(name, Ipv4Range.format(range.start()), Ipv4Range.format(range.end()));
    }

    public Ipv4Range range() {
        return Ipv4Range.of(startIp, endIp);
    }
}
