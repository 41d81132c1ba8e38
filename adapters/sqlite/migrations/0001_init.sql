-- 0001: the lifecycle ledger. Times are INTEGER microseconds since the Unix
-- epoch (UTC), NULL for "never" (the zero time.Time) except in columns that
-- order or key rows (due_at, since, left_at), which keep the zero time as year 1
-- so it sorts first, as in the memory store; booleans are 0/1.

CREATE TABLE cards (
	id          TEXT    NOT NULL PRIMARY KEY,
	kind        TEXT    NOT NULL,
	state       TEXT    NOT NULL,
	holder      TEXT    NOT NULL,
	district    TEXT    NOT NULL,
	school      TEXT    NOT NULL,
	student     TEXT    NOT NULL,
	cohort      TEXT    NOT NULL,
	temporary   INTEGER NOT NULL,
	batch       TEXT    NOT NULL,
	replaces    TEXT    NOT NULL,
	box         TEXT    NOT NULL,
	lost_at     INTEGER,
	valid_until INTEGER,
	updated_at  INTEGER,
	version     INTEGER NOT NULL CHECK (version > 0)
);
-- CardsOfStudent: blank stock (student '') is never asked for.
CREATE INDEX cards_student ON cards (student, id) WHERE student <> '';

-- events.seq is the rowid: one writer at a time, so seq grows in commit order.
CREATE TABLE events (
	seq         INTEGER NOT NULL PRIMARY KEY,
	card_id     TEXT    NOT NULL,
	kind        TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	from_state  TEXT    NOT NULL,
	to_state    TEXT    NOT NULL,
	rule        TEXT    NOT NULL,
	at          INTEGER,
	op_level    TEXT    NOT NULL,
	op_district TEXT    NOT NULL,
	op_school   TEXT    NOT NULL,
	op_user     TEXT    NOT NULL,
	district    TEXT    NOT NULL,
	school      TEXT    NOT NULL,
	reason      TEXT    NOT NULL,
	before      TEXT    NOT NULL,
	version     INTEGER NOT NULL
);
CREATE INDEX events_card ON events (card_id, seq);
CREATE INDEX events_district ON events (district, seq);
CREATE INDEX events_school ON events (district, school, seq);

-- A file lands once: the digest is the key.
CREATE TABLE imports (
	digest      TEXT    NOT NULL PRIMARY KEY,
	file_kind   TEXT    NOT NULL,
	district    TEXT    NOT NULL,
	school      TEXT    NOT NULL,
	op_level    TEXT    NOT NULL,
	op_district TEXT    NOT NULL,
	op_school   TEXT    NOT NULL,
	op_user     TEXT    NOT NULL,
	at          INTEGER,
	records     INTEGER NOT NULL
);

-- The hash-chained audit log (P-3): append-only, enforced below.
CREATE TABLE audit (
	chain       TEXT    NOT NULL,
	seq         INTEGER NOT NULL CHECK (seq > 0),
	at          INTEGER,
	op_level    TEXT    NOT NULL,
	op_district TEXT    NOT NULL,
	op_school   TEXT    NOT NULL,
	op_user     TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	rule        TEXT    NOT NULL,
	outcome     TEXT    NOT NULL,
	detail      TEXT    NOT NULL,
	prev        TEXT    NOT NULL,
	hash        TEXT    NOT NULL,
	PRIMARY KEY (chain, seq)
) WITHOUT ROWID;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END;

CREATE TABLE stock (
	level   TEXT    NOT NULL,
	code    TEXT    NOT NULL,
	item    TEXT    NOT NULL,
	balance INTEGER NOT NULL,
	PRIMARY KEY (level, code, item)
) WITHOUT ROWID;

CREATE TABLE syncs (
	id       INTEGER NOT NULL PRIMARY KEY,
	kind     TEXT    NOT NULL,
	level    TEXT    NOT NULL,
	district TEXT    NOT NULL,
	school   TEXT    NOT NULL,
	at       INTEGER,
	up_to    INTEGER NOT NULL,
	ok       INTEGER NOT NULL,
	detail   TEXT    NOT NULL
);
CREATE INDEX syncs_last ON syncs (kind, level, district, school, id);

-- Overdue: three partial indexes over open deadlines only, one per scope
-- shape, each in the (due_at, id) order the query pages in.
CREATE TABLE deadlines (
	id       TEXT    NOT NULL PRIMARY KEY,
	rule     TEXT    NOT NULL,
	subject  TEXT    NOT NULL,
	level    TEXT    NOT NULL,
	district TEXT    NOT NULL,
	school   TEXT    NOT NULL,
	start    INTEGER,
	due_at   INTEGER NOT NULL,
	done_at  INTEGER
);
CREATE INDEX deadlines_open_school ON deadlines (district, school, due_at, id) WHERE done_at IS NULL;
CREATE INDEX deadlines_open_district ON deadlines (district, due_at, id) WHERE done_at IS NULL;
CREATE INDEX deadlines_open_city ON deadlines (due_at, id) WHERE done_at IS NULL;

CREATE TABLE students (
	key        TEXT    NOT NULL PRIMARY KEY,
	number     TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	gender     TEXT    NOT NULL,
	birth_date TEXT    NOT NULL,
	id_number  TEXT    NOT NULL,
	district   TEXT    NOT NULL,
	school     TEXT    NOT NULL,
	status     TEXT    NOT NULL,
	version    INTEGER NOT NULL CHECK (version > 0)
);

-- S-ID-1: the number is the primary key, so no number is assigned twice.
CREATE TABLE numbers (
	number      TEXT    NOT NULL PRIMARY KEY,
	student_key TEXT    NOT NULL,
	school      TEXT    NOT NULL,
	status      TEXT    NOT NULL,
	at          INTEGER,
	replaces    TEXT    NOT NULL,
	version     INTEGER NOT NULL CHECK (version > 0)
);

CREATE TABLE enrolments (
	student_key TEXT    NOT NULL,
	school      TEXT    NOT NULL,
	since       INTEGER NOT NULL,
	district    TEXT    NOT NULL,
	until       INTEGER,
	PRIMARY KEY (student_key, school, since)
) WITHOUT ROWID;
CREATE INDEX enrolments_student ON enrolments (student_key, since);

CREATE TABLE leaves (
	id          TEXT    NOT NULL PRIMARY KEY,
	student_key TEXT    NOT NULL,
	number      TEXT    NOT NULL,
	district    TEXT    NOT NULL,
	school      TEXT    NOT NULL,
	cohort      TEXT    NOT NULL,
	reason      TEXT    NOT NULL,
	left_at     INTEGER NOT NULL,
	card_id     TEXT    NOT NULL,
	recovered   INTEGER NOT NULL,
	box         TEXT    NOT NULL,
	handler     TEXT    NOT NULL,
	recover_at  INTEGER
);
CREATE INDEX leaves_school ON leaves (school, cohort, left_at, id);
