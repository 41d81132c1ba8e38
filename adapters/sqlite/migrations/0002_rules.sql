-- 0002: the rules' second reading. Deadlines keep their length in working
-- days and whether they were counted past the calendar's years (weekends
-- only), so the Ledger recomputes them when a holiday notice is loaded
-- (R-LOSS-1, R-TIME-1). Every stored operator keeps its role (S-14: a
-- system administrator takes no part in registry business); '' is a card
-- manager, as before this migration.

ALTER TABLE deadlines ADD COLUMN working_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deadlines ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN op_role TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN op_role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN op_role TEXT NOT NULL DEFAULT '';
