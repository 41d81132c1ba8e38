package batch

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/l10n"
)

// photoSeeds adds the photos of the golden package to f.
func photoSeeds(f *testing.F) {
	zipData, err := os.ReadFile(filepath.Join("testdata", "package.zip"))
	if err != nil {
		f.Fatal(err)
	}
	if i := bytes.Index(zipData, []byte("\xff\xd8\xff")); i >= 0 {
		end := bytes.Index(zipData[i:], []byte("\xff\xd9"))
		if end < 0 {
			end = len(zipData) - i - 2
		}
		f.Add(zipData[i : i+end+2])
	}
	f.Add([]byte("\xff\xd8\xff\xe0"))
}

var photoSentinels = []error{ErrPhotoFormat, ErrPhotoSize, ErrPhotoDimensions, ErrPhotoColour, ErrPhotoBackground,
	ErrPhotoQuality, ErrPhotoHead, ErrPhotoSilhouette, ErrPhotoOld}

// FuzzCheckPhoto: C-2 — any bytes give a verdict, never a panic; every
// finding is a typed photo error with a Chinese rendering; a photo refused
// by its header is not measured.
func FuzzCheckPhoto(f *testing.F) {
	photoSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := CheckPhoto(bytes.NewReader(data), PhotoRules{MaxBytes: 1 << 20})
		if err != nil {
			t.Fatalf("reading a bytes.Reader failed: %v", err)
		}
		for _, e := range append(res.Problems, res.Warnings...) {
			typed := false
			for _, s := range photoSentinels {
				typed = typed || errors.Is(e, s)
			}
			if !typed {
				t.Fatalf("untyped finding %v", e)
			}
			if l10n.Error(e, l10n.Chinese) == e.Error() {
				t.Fatalf("no Chinese for %v", e)
			}
		}
		if !res.Info.Decoded && (res.Info.HeadFound || len(res.Warnings) > 0 && res.Info.Taken.IsZero()) {
			t.Fatalf("undecoded photo measured: %+v", res)
		}
	})
}

// FuzzJPEGScan: the marker parser and the DC decoder on any bytes return a
// header and an image of the frame's size, or an error; never a panic, and
// never an image bigger than the frame says.
func FuzzJPEGScan(f *testing.F) {
	photoSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := scanJPEGHeader(data)
		if err != nil {
			return
		}
		h.quality()
		h.subsampling()
		img, err := decodeDC(data, h)
		if err != nil {
			return
		}
		if img.w != (h.width+7)/8 || img.h != (h.height+7)/8 || len(img.pix) != 3*img.w*img.h {
			t.Fatalf("image %d×%d for a %d×%d frame", img.w, img.h, h.width, h.height)
		}
	})
}

// FuzzPhotoMeasure: the background and head measurement on any 1/8-scale
// image gives shares between 0 and 1 and a head only with a silhouette.
func FuzzPhotoMeasure(f *testing.F) {
	f.Add(uint8(60), uint8(80), []byte{67, 142, 219, 232, 196, 166, 35, 28, 24})
	f.Add(uint8(4), uint8(4), []byte{255})
	f.Fuzz(func(t *testing.T, w, h uint8, palette []byte) {
		if len(palette) == 0 {
			return
		}
		img := &dcImage{w: int(w), h: int(h), pix: make([]byte, 3*int(w)*int(h))}
		for i := range img.pix {
			img.pix[i] = palette[(i*7+i/int(max(w, 1))*3)%len(palette)]
		}
		m := measure(img, 8*int(w), 8*int(h))
		if m.headW < 0 || m.headW > 1 || m.headH < 0 || m.headH > 1 || m.uniform < 0 || m.uniform > 1 {
			t.Fatalf("shares out of range: %+v", m)
		}
		if m.silhouette != silhouetteFound && (m.headW != 0 || m.headH != 0) {
			t.Fatalf("head without silhouette: %+v", m)
		}
	})
}

// C-2 "recent": DateTimeOriginal is read from little- and big-endian EXIF
// blocks, in Beijing time; a malformed block gives no date.
func TestEXIFTaken(t *testing.T) {
	build := func(bo binary.AppendByteOrder, mark string, date string) []byte {
		tiff := []byte(mark)
		tiff = bo.AppendUint32(tiff, 8)
		tiff = bo.AppendUint16(tiff, 1)
		tiff = bo.AppendUint16(tiff, 0x8769)
		tiff = bo.AppendUint16(tiff, 4)
		tiff = bo.AppendUint32(tiff, 1)
		tiff = bo.AppendUint32(tiff, 26)
		tiff = bo.AppendUint32(tiff, 0)
		tiff = bo.AppendUint16(tiff, 1)
		tiff = bo.AppendUint16(tiff, 0x9003)
		tiff = bo.AppendUint16(tiff, 2)
		tiff = bo.AppendUint32(tiff, 20)
		tiff = bo.AppendUint32(tiff, 44)
		tiff = bo.AppendUint32(tiff, 0)
		tiff = append(tiff, date+"\x00"...)
		return append([]byte("Exif\x00\x00"), tiff...)
	}
	want := time.Date(2025, 3, 4, 10, 20, 30, 0, beijing)
	for _, tc := range []struct {
		name string
		seg  []byte
		ok   bool
	}{
		{"C-2 little-endian", build(binary.LittleEndian, "II*\x00", "2025:03:04 10:20:30"), true},
		{"C-2 big-endian", build(binary.BigEndian, "MM\x00*", "2025:03:04 10:20:30"), true},
		{"C-2 camera clock never set", build(binary.LittleEndian, "II*\x00", "0000:00:00 00:00:00"), false},
		{"C-2 wrong byte-order mark", build(binary.LittleEndian, "XX*\x00", "2025:03:04 10:20:30"), false},
		{"C-2 cut short", build(binary.BigEndian, "MM\x00*", "2025:03:04 10:20:30")[:40], false},
		{"C-2 not EXIF", []byte("http://ns.adobe.com/xap/1.0/\x00<x/>"), false},
	} {
		got, ok := exifTaken(tc.seg)
		assert.Equal(t, tc.ok, ok, tc.name)
		if tc.ok {
			assert.True(t, got.Equal(want), "%s: %v", tc.name, got)
		}
	}
}
