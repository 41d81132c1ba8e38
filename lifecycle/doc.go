// Package lifecycle is the ledger of the student cards' lives across the
// three tiers (city, district, school; rule S-4): the state machines of the
// ID card and the registry card, the rules of SPEC §4, §5 and §7 as code, the
// working-day calendar and deadlines, stock and reserve counts, operator
// scopes, and a hash-chained audit log.
//
// Persistence goes through [Store], a small transactional interface in the
// spirit of database/sql/driver. [NewMemStore] implements it in memory;
// adapters/sqlite and adapters/postgres implement it on SQL; every
// implementation must pass the conformance suite in lifecycle/storetest.
package lifecycle
