package lifecycle_test

import (
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/lifecycle"
)

// deadline reads one deadline straight from the store.
func (f *fixture) deadline(id string) lifecycle.Deadline {
	f.t.Helper()
	var d lifecycle.Deadline
	require.NoError(f.t, f.store.Tx(f.ctx, func(tx lifecycle.Tx) error {
		var err error
		d, err = tx.GetDeadline(f.ctx, id)
		return err
	}))
	return d
}
