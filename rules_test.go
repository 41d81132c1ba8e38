package studentcard_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleID is a rule id as SPEC and RULES.md write it: S-1, S-ID-10,
// C-MAKE-2, R-LOSS-5, P-7, A-3.
var ruleID = regexp.MustCompile(`(?:^|[^A-Za-z0-9-])((?:S|C|R|P|A)-(?:[A-Z]+-)?[0-9]+)(?:$|[^0-9-])`)

// TestEveryCitedRuleIsDocumented: every rule id that a Go file of the
// module cites (in a test name, a comment, a text) is defined in RULES.md,
// the repository's own rules document, so a citation always leads to its
// rule and its Chinese source sentence.
func TestEveryCitedRuleIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("RULES.md")
	require.NoError(t, err)
	defined := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^- \*\*([A-Z]+(?:-[A-Z]+)?-[0-9]+)\*\* `).FindAllStringSubmatch(string(doc), -1) {
		assert.False(t, defined[m[1]], "%s is defined twice", m[1])
		defined[m[1]] = true
	}
	require.Greater(t, len(defined), 70, "RULES.md defines the rules")
	for id := range defined {
		entry := string(doc[strings.Index(string(doc), "**"+id+"**"):])
		if next := strings.Index(entry[2:], "\n- **"); next > 0 {
			entry = entry[:next+2]
		}
		assert.Contains(t, entry, "原文：", "%s gives its Chinese source", id)
	}

	cited := map[string]string{}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range ruleID.FindAllStringSubmatch(string(src), -1) {
			if _, seen := cited[m[1]]; !seen {
				cited[m[1]] = path
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, len(cited), 40, "the scan found the citations")
	for id, path := range cited {
		assert.True(t, defined[id], "%s cites %s, which RULES.md does not define", path, id)
	}
}

// TestDocsLinkInsideTheRepository: the README and every Markdown file link
// to files of this repository only (a clone has nothing beside it), and
// every relative link resolves.
func TestDocsLinkInsideTheRepository(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)#\s]+)(?:#[^)]*)?\)`)
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".md") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range link.FindAllStringSubmatch(string(src), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			resolved := filepath.Join(filepath.Dir(path), target)
			if assert.False(t, strings.HasPrefix(resolved, ".."), "%s links outside the repository: %s", path, target) {
				_, err := os.Stat(resolved)
				assert.NoError(t, err, "%s links to %s", path, target)
			}
		}
		return nil
	})
	require.NoError(t, err)
}
