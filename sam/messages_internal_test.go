package sam

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryTextHasChinese scans the package source for every text handed to
// the catalog (messages.Error and messages.Sprintf) and checks the catalog
// holds it with a Chinese rendering, so a typo in a key cannot silently fall
// back to English.
func TestEveryTextHasChinese(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	use := regexp.MustCompile(`messages\.(?:Error\(|Sprintf\(\w+(?:\.\w+)?, )("(?:[^"\\]|\\.)*")`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range use.FindAllSubmatch(src, -1) {
			key, err := strconv.Unquote(string(m[1]))
			require.NoError(t, err)
			assert.True(t, messages.Has(key), "%s: %q has no Chinese text", f, key)
			found++
		}
	}
	assert.Greater(t, found, 15, "the scan found the package's texts")
}
