package dev.hindsight.control;

import dev.hindsight.repo.catalog.FirewallRule;

import java.util.List;

/**
 * A server's firewall rules after a change, and what applying them took on the server.
 *
 * @param listensOn where the server accepts connections now: 127.0.0.1, or every address
 * @param applied   what happened to the server (restarted, re-read its configuration, …)
 */
public record FirewallChange(String server, List<FirewallRule> rules, String listensOn, String applied) {
}
