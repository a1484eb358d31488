package dev.hindsight.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of POST /repository/passphrase: the passphrase the daemon holds, and the one to re-wrap the keys under. */
record PassphraseRequest(String current, @JsonProperty("new") String next) {
}
