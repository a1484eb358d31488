package dev.hindsight.api;

/** PUT /storage/regions: the primary region and the one paired with it for geo copies (null: none). */
record RegionsRequest(String primary, String paired) {
}
