package paper_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/paper"
)

func systemFont(t *testing.T) *paper.Font {
	t.Helper()
	f, err := paper.FindFont()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI installs fonts-wqy-microhei: %v", err)
		}
		t.Skipf("no CJK font on this machine (apt-get install fonts-wqy-microhei): %v", err)
	}
	return f
}

func TestSmoke(t *testing.T) {
	f := systemFont(t)
	h := batch.Pack([]batch.GroupCount{{GroupKey: batch.GroupKey{FactoryBatch: "F2026-01", School: "01080456", Category: 0, Cohort: 32}, SchoolName: "北京市测试学校", Count: 120}}, batch.BoxSizes{})
	var buf bytes.Buffer
	require.NoError(t, paper.HandoverSheet(&buf, h, paper.Sheet{No: "H0001", From: "海淀区 (0108)", To: "北京市测试学校 (01080456)"}, paper.Options{Font: f}))
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "h.pdf"), buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", "-layout", filepath.Join(dir, "h.pdf"), "-").CombinedOutput()
	require.NoError(t, err, string(out))
	t.Log(string(out))
	img := image.NewRGBA(image.Rect(0, 0, 480, 640))
	for y := 0; y < 640; y++ {
		for x := 0; x < 480; x++ {
			img.Set(x, y, color.RGBA{60, 120, 220, 255})
		}
	}
	var jb bytes.Buffer
	jpeg.Encode(&jb, img, &jpeg.Options{Quality: 95})
	buf.Reset()
	st := card.Student{RegistryNumber: "0108045603201016", Name: "王小明", Gender: card.Male, Stage: card.Primary, SchoolCode: "080456", SchoolName: "北京市测试学校",
		ValidFrom: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), ValidUntil: time.Date(2032, 8, 31, 0, 0, 0, 0, time.UTC)}
	require.NoError(t, paper.IDCards(&buf, []paper.IDCard{{Student: st, Photo: jb.Bytes()}}, paper.Options{Font: f, Lang: l10n.Chinese}))
	os.WriteFile(filepath.Join(dir, "c.pdf"), buf.Bytes(), 0o644)
	out, err = exec.Command("pdftotext", "-layout", filepath.Join(dir, "c.pdf"), "-").CombinedOutput()
	require.NoError(t, err, string(out))
	t.Log(string(out))
	out, err = exec.Command("pdftoppm", "-r", "600", "-png", filepath.Join(dir, "c.pdf"), filepath.Join(dir, "c")).CombinedOutput()
	require.NoError(t, err, string(out))
	m, _ := filepath.Glob(filepath.Join(dir, "c*.png"))
	out, err = exec.Command("zbarimg", "-q", m[0]).CombinedOutput()
	t.Log(string(out), err)
	assert.True(t, strings.Contains(string(out), "0108045603201016"))
	exec.Command("cp", m[0], "/tmp/pp/card.png").Run()
	exec.Command("cp", filepath.Join(dir, "h.pdf"), "/tmp/pp/h.pdf").Run()
}
