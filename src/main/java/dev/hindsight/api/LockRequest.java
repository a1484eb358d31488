package dev.hindsight.api;

/** The body of PUT /servers/{name}/locks/{lock}: delete or read-only, and why. */
record LockRequest(String type, String notes) {
}
