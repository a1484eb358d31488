package dev.hindsight.control;

import java.time.Instant;

/** A request to restore {@code sourceServer} into a new server {@code name}: exactly one target. */
public record RestoreRequestBody(String sourceServer, String name, Instant restoreTime, boolean latest,
                                 boolean earliest, Integer port) {
}
