"""The store's schema, as the list of steps that bring a store from one version to the
next: a store written by an older workbook is upgraded when it is opened.

Step 5 chains the history that exists with the SQL window function ``history_chain``
(:mod:`pim_workbook.store.chain`), which the store registers before it migrates.

A PostgreSQL store starts at version :data:`POSTGRES_FIRST`, made by
:data:`POSTGRES_SCHEMA` (the tables the steps before make on SQLite, in PostgreSQL's
types); the steps after it run on both, so they are written in the SQL both accept.
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

POSTGRES_FIRST = 5  # the schema version a new PostgreSQL store is made at
# Text compares by code point (COLLATE "C"), as in SQLite, whatever the database's locale:
# the lists sorted by id or time come out in the same order from both stores.
POSTGRES_SCHEMA = """
    CREATE TABLE store_schema (version INTEGER NOT NULL);
    CREATE TABLE assessments (
        id TEXT COLLATE "C" PRIMARY KEY,
        content_version TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE units (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        assessment_id TEXT COLLATE "C" NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        path TEXT COLLATE "C" NOT NULL,
        value TEXT COLLATE "C" NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        UNIQUE (assessment_id, path)
    );
    CREATE TABLE history (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        assessment_id TEXT COLLATE "C" NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        at TEXT COLLATE "C" NOT NULL,
        actor TEXT COLLATE "C" NOT NULL,
        party TEXT COLLATE "C",
        path TEXT COLLATE "C" NOT NULL,
        old TEXT COLLATE "C",
        new TEXT COLLATE "C",
        via TEXT COLLATE "C" NOT NULL DEFAULT '',
        hash TEXT COLLATE "C" NOT NULL DEFAULT ''
    );
    CREATE INDEX history_assessment ON history(assessment_id, id);
    CREATE TABLE revisions (
        assessment_id TEXT COLLATE "C" NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        record_hash TEXT COLLATE "C" NOT NULL,
        snapshot TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (assessment_id, number)
    );
    CREATE TABLE settings (key TEXT COLLATE "C" PRIMARY KEY, value TEXT COLLATE "C" NOT NULL);
    CREATE TABLE imports (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        assessment_id TEXT COLLATE "C" NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
        actor TEXT COLLATE "C" NOT NULL,
        source TEXT COLLATE "C" NOT NULL,
        unverified TEXT COLLATE "C"
    );
    CREATE TABLE trainings (
        id TEXT COLLATE "C" PRIMARY KEY,
        title TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        created_by TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE invites (
        id TEXT COLLATE "C" PRIMARY KEY,
        assessment_id TEXT COLLATE "C" REFERENCES assessments(id) ON DELETE CASCADE,
        role TEXT COLLATE "C" NOT NULL,
        party TEXT COLLATE "C",
        salt TEXT COLLATE "C" NOT NULL,
        secret_hash TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL,
        created_by TEXT COLLATE "C" NOT NULL,
        expires_on TEXT COLLATE "C",
        last_used_at TEXT COLLATE "C",
        revoked_at TEXT COLLATE "C",
        training_id TEXT COLLATE "C" REFERENCES trainings(id) ON DELETE CASCADE
    );
    CREATE INDEX invites_assessment ON invites(assessment_id);
    CREATE TABLE trainees (
        id TEXT COLLATE "C" PRIMARY KEY,
        training_id TEXT COLLATE "C" NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
        pseudonym TEXT COLLATE "C" NOT NULL DEFAULT '',
        joined_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE training_answers (
        trainee_id TEXT COLLATE "C" NOT NULL REFERENCES trainees(id) ON DELETE CASCADE,
        exercise_id TEXT COLLATE "C" NOT NULL,
        chosen TEXT COLLATE "C" NOT NULL,
        correct INTEGER NOT NULL,
        credit DOUBLE PRECISION NOT NULL,
        at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (trainee_id, exercise_id)
    );
    CREATE TABLE store_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        private_key BYTEA NOT NULL,
        public_key TEXT COLLATE "C" NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE trusted_keys (
        fingerprint TEXT COLLATE "C" PRIMARY KEY,
        trusted_at TEXT COLLATE "C" NOT NULL,
        trusted_by TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE seals (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        assessment_id TEXT COLLATE "C" NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        revision INTEGER,
        head TEXT COLLATE "C" NOT NULL,
        public_key TEXT COLLATE "C" NOT NULL,
        signature TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX seals_assessment ON seals(assessment_id, id);
    INSERT INTO store_schema VALUES (0);
"""
