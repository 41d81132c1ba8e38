package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/paper"
)

func TestPapers(t *testing.T) {
	if _, err := paper.FindFont(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs fonts-wqy-microhei: %v", err)
		}
		t.Skip("no CJK font")
	}
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs poppler-utils: %v", err)
		}
		t.Skip("poppler-utils not installed")
	}
	dir := t.TempDir()
	code, stdout, stderr := runDemo(t, context.Background(), "-papers", dir)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "区县自行打印证件卡 3 张，少于 50 张（C-MAKE-2）")
	read := func(glob string) string {
		m, err := filepath.Glob(filepath.Join(dir, glob))
		require.NoError(t, err)
		require.Len(t, m, 1, glob)
		out, err := exec.Command(tool, "-raw", m[0], "-").CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.Join(strings.Fields(string(out)), "")
	}
	// rule C-ISSUE-1: the city's sheet of every box, signed by both parties.
	sheet := read("HANDOVER_01.pdf")
	for _, w := range []string{"学生卡交接单", "交付方：北京市教育委员会（01）", "交付方（签字）：", "接收方（签字）："} {
		assert.Contains(t, sheet, w)
	}
	assert.Contains(t, read("LABELS_01.pdf"), "大箱")      // C-PACK-1
	assert.Contains(t, read("RECOVERY_*.pdf"), "学籍卡回收单") // R-RECOVER-1
	assert.Equal(t, 3, strings.Count(read("IDCARDS_*.pdf"), "学籍号："), "S-1 three card faces")
}
