package migrations_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/internal/migrations"
)

func TestLoadOrdersByVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0010_index.sql": {Data: []byte("CREATE INDEX i;")},
		"m/0002_more.sql":  {Data: []byte("ALTER TABLE t;")},
		"m/0001_init.sql":  {Data: []byte("CREATE TABLE t;")},
		"m/README.md":      {Data: []byte("not a migration")},
	}
	ms, err := migrations.Load(fsys, "m")
	require.NoError(t, err)
	require.Len(t, ms, 3)
	assert.Equal(t, []int{1, 2, 10}, []int{ms[0].Version, ms[1].Version, ms[2].Version}, "numeric, not lexical, order")
	assert.Equal(t, "0001_init.sql", ms[0].Name)
	assert.Equal(t, "CREATE TABLE t;", ms[0].SQL)
	assert.Equal(t, 10, migrations.Latest(ms))
	assert.Equal(t, 0, migrations.Latest(nil))
}

func TestLoadRefusesBadNames(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no version":     {"m/init.sql": {}},
		"no underscore":  {"m/0001.sql": {}},
		"zero version":   {"m/0000_x.sql": {}},
		"shared version": {"m/0001_a.sql": {}, "m/01_b.sql": {}},
	} {
		_, err := migrations.Load(fsys, "m")
		assert.Error(t, err, name)
	}
}
