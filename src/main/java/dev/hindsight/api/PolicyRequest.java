package dev.hindsight.api;

import java.util.List;

/** PUT /storage/policy: the redundancies servers may be given. */
record PolicyRequest(List<String> allowedRedundancy) {
}
