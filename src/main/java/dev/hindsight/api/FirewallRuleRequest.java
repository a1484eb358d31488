package dev.hindsight.api;

/** The body of PUT /servers/{name}/firewall-rules/{rule}: the inclusive range of client IPv4 addresses. */
record FirewallRuleRequest(String startIp, String endIp) {
}
