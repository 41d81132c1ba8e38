package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/paper"
)

// pdfText reads a PDF back with poppler's pdftotext (an independent reader),
// without layout spaces.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs poppler-utils: %v", err)
		}
		t.Skip("poppler-utils not installed")
	}
	out, err := exec.Command(tool, "-raw", path, "-").CombinedOutput()
	require.NoError(t, err, string(out))
	return strings.Join(strings.Fields(string(out)), "")
}

func TestPrint(t *testing.T) {
	if _, err := paper.FindFont(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs fonts-wqy-microhei: %v", err)
		}
		t.Skip("no CJK font")
	}
	dir := t.TempDir()
	writeResults(t, filepath.Join(dir, "result.txt"), 30, "01080001", "01080002")
	o := exe(t, dir, "handover", "--small", "20", "-o", "sheet.txt", "result.txt")
	require.Equal(t, exitOK, o.code, o.stderr)

	t.Run("C-ISSUE-2/handover sheet printed for signature", func(t *testing.T) {
		o := exe(t, dir, "print", "handover", "--small", "20", "--no", "H0108-7", "--from", "海淀区", "--to", "测试学校", "-o", "sheet.pdf", "sheet.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		assert.Contains(t, o.stdout, "交接单已打印到 sheet.pdf")
		text := pdfText(t, filepath.Join(dir, "sheet.pdf"))
		for _, w := range []string{"学生卡交接单", "交接单编号：H0108-7", "交付方：海淀区", "接收方：测试学校", "01080001", "01080002", "交付方（签字）：", "接收方（签字）："} {
			assert.Contains(t, text, w)
		}
	})
	t.Run("C-PACK-1/box labels printed", func(t *testing.T) {
		o := exe(t, dir, "--lang", "en", "print", "labels", "--small", "20", "-o", "labels.pdf", "sheet.txt")
		require.Equal(t, exitOK, o.code, o.stderr)
		text := pdfText(t, filepath.Join(dir, "labels.pdf"))
		assert.Contains(t, text, "bigbox")
		assert.Contains(t, text, "school:01080002")
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"usage/no paper named", []string{"print"}, exitUsage, "print 需要指定单据"},
		{"usage/unknown paper", []string{"print", "poster", "sheet.txt"}, exitUsage, "print 需要指定单据"},
		{"usage/no output", []string{"print", "labels", "sheet.txt"}, exitUsage, "必须指定 -o"},
		{"usage/sheet without parties", []string{"print", "handover", "-o", "x.pdf", "sheet.txt"}, exitUsage, "必须指定 --from 和 --to"},
		{"io/a font that is no font", []string{"print", "labels", "--font", "result.txt", "-o", "x.pdf", "sheet.txt"}, exitIO, "不是可用的TrueType字体"},
		{"io/not a handover sheet", []string{"print", "labels", "-o", "x.pdf", "result.txt"}, exitIO, "文件类型不符"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := exe(t, dir, tc.args...)
			assert.Equal(t, tc.code, o.code, o.stderr)
			assert.Contains(t, o.stderr, tc.want)
			_, err := os.Stat(filepath.Join(dir, "x.pdf"))
			assert.True(t, os.IsNotExist(err), "nothing written on failure")
		})
	}
}
