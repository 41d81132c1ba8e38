package cmis_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/cmis/cmistest"
)

// The tests' xlsx writer is package cmistest; these short names keep the
// tables readable.
type (
	xc = cmistest.Cell
	xs = cmistest.Sheet
)

// xb is a workbook written with the test's failure on error.
type xb cmistest.Workbook

func (b xb) bytes(t testing.TB) []byte {
	t.Helper()
	data, err := cmistest.Workbook(b).Bytes()
	require.NoError(t, err)
	return data
}

func textSheet(name string, rows [][]string) xs { return cmistest.TextSheet(name, rows) }
