package dev.hindsight.repo.catalog;

/** A full backup restores on its own; a differential holds what changed since its full and needs it. */
public enum BackupKind { FULL, DIFF }
