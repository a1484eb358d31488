package dev.hindsight.repo.catalog;

public enum BackupStatus { RUNNING, COMPLETED, FAILED }
