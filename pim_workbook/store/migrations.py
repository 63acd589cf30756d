"""The store's schema, as the list of steps that bring a store from one version to the
next: a store written by an older workbook is upgraded when it is opened.
"""

from __future__ import annotations

SCHEMA_VERSION = 4
# Each entry brings a store from version i to i + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE assessments (
        id TEXT PRIMARY KEY,
        content_version TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE units (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        UNIQUE (assessment_id, path)
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        party TEXT,
        path TEXT NOT NULL,
        old TEXT,
        new TEXT
    );
    CREATE INDEX history_assessment ON history(assessment_id, id);
    CREATE TABLE revisions (
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        record_hash TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (assessment_id, number)
    );
    """,
    """
    ALTER TABLE history ADD COLUMN via TEXT NOT NULL DEFAULT '';
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        source TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        assessment_id TEXT REFERENCES assessments(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        party TEXT,
        salt TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_on TEXT,
        last_used_at TEXT,
        revoked_at TEXT
    );
    CREATE INDEX invites_assessment ON invites(assessment_id);
    """,
    """
    CREATE TABLE trainings (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE trainees (
        id TEXT PRIMARY KEY,
        training_id TEXT NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
        pseudonym TEXT NOT NULL DEFAULT '',
        joined_at TEXT NOT NULL
    );
    CREATE TABLE training_answers (
        trainee_id TEXT NOT NULL REFERENCES trainees(id) ON DELETE CASCADE,
        exercise_id TEXT NOT NULL,
        chosen TEXT NOT NULL,
        correct INTEGER NOT NULL,
        credit REAL NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (trainee_id, exercise_id)
    );
    ALTER TABLE invites ADD COLUMN training_id TEXT REFERENCES trainings(id) ON DELETE CASCADE;
    """,
]
