// Package postgres is the city-scale [lifecycle.Store] on PostgreSQL (pgx v5):
// 16 districts and the city writing at once into one database. It passes the
// conformance suite of lifecycle/storetest.
//
//	s, err := postgres.Open(ctx, "host=db.example user=studentcard dbname=studentcard", postgres.Options{})
//	…
//	ledger, err := lifecycle.NewLedger(lifecycle.Config{Scheme: studentid.MOD11_10, Store: s, Clock: time.Now})
//
// # Transactions and concurrency
//
// Each [Store.Tx] runs on a connection of its own (at most
// [Options.MaxConns]) in READ COMMITTED. Versioned writes (cards, students,
// numbers) are UPDATE … WHERE version = n: a writer that lost the race waits
// for the winner's row lock, finds the new version and reports a
// *lifecycle.ConflictError; nothing is retried behind the caller's back.
// Inserts that may collide (a file digest imported twice, a registry number
// given twice — S-ID-1 —, an audit Seq taken) use ON CONFLICT DO NOTHING and
// report *lifecycle.DuplicateError or *lifecycle.ConflictError, so the
// transaction stays usable, as the Store contract requires. A transaction
// costs few round trips: BEGIN travels with its first statement and an event
// insert whose Seq is already known travels with the next statement or with
// COMMIT (its errors are reported there).
//
// # Event order (R-OPS-1)
//
// The daily upload sends "every event after the last Seq sent", so a reader
// must never see Seq 11 commit and later find Seq 10 appearing. A sequence
// cannot promise that under concurrent writers, and serialising all writers
// would cap the city at one commit per disk flush. Instead an event's Seq is
// ((transaction id + offset) << 20) + n, n counting the events of its
// transaction (at most 2^20, else [ErrTooManyEvents]), and
// [lifecycle.Tx.ScopeEvents] returns only events below the oldest
// transaction still running in its snapshot (pg_snapshot_xmin): every event
// it returns is settled, and anything that commits later has a higher Seq.
// A long transaction therefore delays, but never loses, events in the
// upload. Seq order between transactions is the order they first wrote,
// which for one card is the order of its versions in all but rare cases of
// a multi-card transaction that touched it late; Event.Version is the card's
// own order. The offset (table event_clock) is raised by [Open] when data
// restored into another cluster carries higher Seqs than the new cluster's
// transaction ids would give.
//
// # Schema
//
// The schema is embedded (migrations/NNNN_name.sql, go:embed), versioned in
// schema_version, applied under an advisory lock by [Open]; a schema from a
// newer release is refused ([ErrSchemaTooNew]). [Options.Schema] puts the
// tables in a schema of their own. The audit table (P-3) refuses UPDATE,
// DELETE and TRUNCATE with a trigger. Overdue deadlines (R-TIME-1, R-LOSS-3,
// R-ISSUE-4) are read through three partial indexes over open rows (school,
// district, city), each in (due_at, id) order: a page of 100 over 2,000,000
// deadlines takes ~0.2 ms. Ordered text keys use the "C" collation, so order
// and prefix scans follow bytes as in Go and SQLite.
//
// # Backup and restore (R-OPS-1)
//
// Back up with pg_dump, which reads one consistent snapshot while writers
// carry on, and record it with lifecycle.Ledger.RecordSync(…,
// lifecycle.SyncBackup, …):
//
//	pg_dump --format=custom --schema=studentcard --file=ledger-2026-w10.dump \
//	        --dbname="host=db.example user=studentcard dbname=studentcard"
//
// Restore into an empty database (or after dropping the schema) with
//
//	createdb -h db.example -U postgres studentcard_restored
//	pg_restore --exit-on-error --dbname="host=db.example user=postgres dbname=studentcard_restored" ledger-2026-w10.dump
//
// then [Open] the restored database with the same [Options.Schema]. The
// package's tests run exactly this round trip under concurrent writes.
//
// # Tests
//
// go test starts a throwaway cluster itself: initdb into a temporary
// directory (as the user postgres when run as root), postgres on 127.0.0.1
// and a free port with its socket in that directory, fsync and
// synchronous_commit on; it is stopped and removed at the end. Set
// STUDENTCARD_PG_DSN to use an existing server instead. Without PostgreSQL
// the tests skip, except with CI=true, where that is a failure.
package postgres
