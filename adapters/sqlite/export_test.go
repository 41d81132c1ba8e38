package sqlite

// OverdueSQL exposes the overdue query builder to the external tests that
// check its plan.
var OverdueSQL = overdueSQL
