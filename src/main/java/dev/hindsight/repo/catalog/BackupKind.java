package dev.hindsight.repo.catalog;

public enum BackupKind { FULL }
