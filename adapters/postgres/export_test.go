package postgres

// OverdueSQL exposes the overdue query builder to the external test that
// checks its plan.
var OverdueSQL = overdueSQL
