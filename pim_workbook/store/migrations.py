"""The store's schema, as the list of steps that bring a store from one version to the
next: a store written by an older workbook is upgraded when it is opened.

Step 5 chains the history that exists with the SQL window function ``history_chain``
(:mod:`pim_workbook.store.chain`), which the store registers before it migrates.
"""

from __future__ import annotations

SCHEMA_VERSION = 5
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
    """
    ALTER TABLE history ADD COLUMN hash TEXT NOT NULL DEFAULT '';
    UPDATE history SET hash = chained.hash FROM (
        SELECT id, history_chain(assessment_id, at, actor, party, path, old, new, via)
            OVER (PARTITION BY assessment_id ORDER BY id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS hash
        FROM history
    ) AS chained WHERE chained.id = history.id;
    CREATE TABLE store_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        private_key BLOB NOT NULL,
        public_key TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE trusted_keys (
        fingerprint TEXT PRIMARY KEY,
        trusted_at TEXT NOT NULL,
        trusted_by TEXT NOT NULL
    );
    CREATE TABLE seals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        revision INTEGER,
        head TEXT NOT NULL,
        public_key TEXT NOT NULL,
        signature TEXT NOT NULL
    );
    CREATE INDEX seals_assessment ON seals(assessment_id, id);
    ALTER TABLE imports ADD COLUMN unverified TEXT;
    UPDATE imports SET unverified = 'imported before the workbook verified imports';
    """,
]
