-- 0001: the lifecycle ledger. Keys and ordered text columns use the "C"
-- collation so ORDER BY and range scans follow byte order, as Go's string
-- comparison (and the memory and SQLite stores) do. Times are timestamptz
-- (microseconds), NULL for "never" (the zero time.Time) except in columns that
-- order or key rows (due_at, since, left_at), which keep the zero time as
-- 0001-01-01 so it sorts first.

CREATE TABLE cards (
	id          text COLLATE "C" NOT NULL PRIMARY KEY,
	kind        text        NOT NULL,
	state       text        NOT NULL,
	holder      text        NOT NULL,
	district    text COLLATE "C" NOT NULL,
	school      text COLLATE "C" NOT NULL,
	student     text COLLATE "C" NOT NULL,
	cohort      text        NOT NULL,
	temporary   boolean     NOT NULL,
	batch       text        NOT NULL,
	replaces    text        NOT NULL,
	box         text        NOT NULL,
	lost_at     timestamptz,
	valid_until timestamptz,
	updated_at  timestamptz,
	version     bigint      NOT NULL CHECK (version > 0)
);
CREATE INDEX cards_student ON cards (student, id) WHERE student <> '';

-- events.seq is ((transaction id + xid_offset) << 20) + n, see the package
-- doc: readers of a scope stop below the oldest running transaction, so no
-- late commit is ever skipped. xid_offset grows when the data was restored
-- into a cluster whose transaction ids are lower (Open checks).
CREATE TABLE event_clock (
	id         boolean NOT NULL PRIMARY KEY DEFAULT true CHECK (id),
	xid_offset bigint  NOT NULL
);
INSERT INTO event_clock (xid_offset) VALUES (0);
CREATE TABLE events (
	seq         bigint      NOT NULL PRIMARY KEY,
	card_id     text COLLATE "C" NOT NULL,
	kind        text        NOT NULL,
	action      text        NOT NULL,
	from_state  text        NOT NULL,
	to_state    text        NOT NULL,
	rule        text        NOT NULL,
	at          timestamptz,
	op_level    text        NOT NULL,
	op_district text        NOT NULL,
	op_school   text        NOT NULL,
	op_user     text        NOT NULL,
	district    text COLLATE "C" NOT NULL,
	school      text COLLATE "C" NOT NULL,
	reason      text        NOT NULL,
	before      text        NOT NULL,
	version     bigint      NOT NULL
);
CREATE INDEX events_card ON events (card_id, seq);
CREATE INDEX events_district ON events (district, seq);
CREATE INDEX events_school ON events (district, school, seq);

-- A file lands once: the digest is the key.
CREATE TABLE imports (
	digest      text        NOT NULL PRIMARY KEY,
	file_kind   text        NOT NULL,
	district    text        NOT NULL,
	school      text        NOT NULL,
	op_level    text        NOT NULL,
	op_district text        NOT NULL,
	op_school   text        NOT NULL,
	op_user     text        NOT NULL,
	at          timestamptz,
	records     bigint      NOT NULL
);

-- The hash-chained audit log (P-3): append-only, enforced by triggers.
CREATE TABLE audit (
	chain       text COLLATE "C" NOT NULL,
	seq         bigint      NOT NULL CHECK (seq > 0),
	at          timestamptz,
	op_level    text        NOT NULL,
	op_district text        NOT NULL,
	op_school   text        NOT NULL,
	op_user     text        NOT NULL,
	action      text        NOT NULL,
	subject     text        NOT NULL,
	rule        text        NOT NULL,
	outcome     text        NOT NULL,
	detail      text        NOT NULL,
	prev        text        NOT NULL,
	hash        text        NOT NULL,
	PRIMARY KEY (chain, seq)
);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TABLE stock (
	level   text   NOT NULL,
	code    text   NOT NULL,
	item    text   NOT NULL,
	balance bigint NOT NULL,
	PRIMARY KEY (level, code, item)
);

CREATE TABLE syncs (
	id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind     text        NOT NULL,
	level    text        NOT NULL,
	district text        NOT NULL,
	school   text        NOT NULL,
	at       timestamptz,
	up_to    bigint      NOT NULL,
	ok       boolean     NOT NULL,
	detail   text        NOT NULL
);
CREATE INDEX syncs_last ON syncs (kind, level, district, school, id);

-- Overdue: three partial indexes over open deadlines only, one per scope
-- shape, each in the (due_at, id) order the query pages in.
CREATE TABLE deadlines (
	id       text COLLATE "C" NOT NULL PRIMARY KEY,
	rule     text        NOT NULL,
	subject  text        NOT NULL,
	level    text        NOT NULL,
	district text COLLATE "C" NOT NULL,
	school   text COLLATE "C" NOT NULL,
	start    timestamptz,
	due_at   timestamptz NOT NULL,
	done_at  timestamptz
);
CREATE INDEX deadlines_open_school ON deadlines (district, school, due_at, id) WHERE done_at IS NULL;
CREATE INDEX deadlines_open_district ON deadlines (district, due_at, id) WHERE done_at IS NULL;
CREATE INDEX deadlines_open_city ON deadlines (due_at, id) WHERE done_at IS NULL;

CREATE TABLE students (
	key        text   NOT NULL PRIMARY KEY,
	number     text   NOT NULL,
	name       text   NOT NULL,
	gender     text   NOT NULL,
	birth_date text   NOT NULL,
	id_number  text   NOT NULL,
	district   text   NOT NULL,
	school     text   NOT NULL,
	status     text   NOT NULL,
	version    bigint NOT NULL CHECK (version > 0)
);

-- S-ID-1: the number is the primary key, so no number is assigned twice.
CREATE TABLE numbers (
	number      text COLLATE "C" NOT NULL PRIMARY KEY,
	student_key text        NOT NULL,
	school      text        NOT NULL,
	status      text        NOT NULL,
	at          timestamptz,
	replaces    text        NOT NULL,
	version     bigint      NOT NULL CHECK (version > 0)
);

CREATE TABLE enrolments (
	student_key text COLLATE "C" NOT NULL,
	school      text COLLATE "C" NOT NULL,
	since       timestamptz NOT NULL,
	district    text        NOT NULL,
	until       timestamptz,
	PRIMARY KEY (student_key, school, since)
);
CREATE INDEX enrolments_student ON enrolments (student_key, since);

CREATE TABLE leaves (
	id          text COLLATE "C" NOT NULL PRIMARY KEY,
	student_key text        NOT NULL,
	number      text        NOT NULL,
	district    text        NOT NULL,
	school      text COLLATE "C" NOT NULL,
	cohort      text COLLATE "C" NOT NULL,
	reason      text        NOT NULL,
	left_at     timestamptz NOT NULL,
	card_id     text        NOT NULL,
	recovered   boolean     NOT NULL,
	box         text        NOT NULL,
	handler     text        NOT NULL,
	recover_at  timestamptz
);
CREATE INDEX leaves_school ON leaves (school, cohort, left_at, id);
