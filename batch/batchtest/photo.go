package batchtest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// PhotoVariants is how many distinct photos Photo draws: seeds equal modulo
// PhotoVariants give the same bytes, which is what lets [Photos] cache them.
const PhotoVariants = 16

// IDBlue is the background of generated photos: an ID-photo blue (CIE
// L*a*b* hue about 280°, chroma about 50).
var IDBlue = color.RGBA{R: 67, G: 142, B: 219, A: 255}

// PhotoSpec describes a generated portrait: a head (an ellipse, dark hair
// on top) on a neck and shoulders, on a plain background, with mild pixel
// noise like a camera's. The head's height is measured as C-2 does, from its
// top to the narrowest row of the neck; its width is the ellipse's. The zero
// value is a photo that passes every C-2 check.
type PhotoSpec struct {
	// Width×Height of the photo; zero means 480×640 (portrait).
	Width, Height int
	// Head is the head's height and width as a share of the photo's; zero
	// means 0.65 (C-2 asks for 0.60-0.70). A head above about 0.88 has no
	// room for the neck and runs off the bottom edge.
	Head float64
	// Background is the background colour; the zero value means IDBlue.
	Background color.RGBA
	// Quality is the JPEG quality (1-100); zero means 90.
	Quality int
	// Shirt is the shirt's colour; the zero value picks one by Seed.
	Shirt color.RGBA
	// Grey writes a one-component (greyscale) JPEG.
	Grey bool
	// Figures is how many figures stand side by side; zero means one.
	Figures int
	// Noise is the amplitude of the pixel noise, in 8-bit levels (a
	// camera's is 2-6); it makes the file size and decoding cost realistic.
	Noise int
	// Taken, when set, is written as the EXIF DateTimeOriginal (in
	// Beijing time, as cameras there are set).
	Taken time.Time
	// Seed varies the head's horizontal position, the shirt and the noise:
	// only Seed modulo PhotoVariants matters.
	Seed uint64
}

var beijing = time.FixedZone("CST", 8*3600)

// JPEG draws and encodes the photo.
func (s PhotoSpec) JPEG() ([]byte, error) {
	w, h := s.Width, s.Height
	if w == 0 && h == 0 {
		w, h = 480, 640
	}
	if w <= 0 || h <= 0 || w > 4096 || h > 4096 {
		return nil, fmt.Errorf("batchtest: photo size %d×%d out of range", w, h)
	}
	head := s.Head
	if head == 0 {
		head = 0.65
	}
	if s.Noise < 0 || s.Noise > 64 {
		return nil, fmt.Errorf("batchtest: noise %d out of range", s.Noise)
	}
	if head < 0.05 || head > 1 {
		return nil, fmt.Errorf("batchtest: head share %v out of range", head)
	}
	bg := s.Background
	if bg == (color.RGBA{}) {
		bg = IDBlue
	}
	q := s.Quality
	if q == 0 {
		q = 90
	}
	figures := max(s.Figures, 1)
	seed := s.Seed % PhotoVariants
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	shirts := []color.RGBA{{245, 245, 245, 255}, {40, 45, 60, 255}, {180, 40, 40, 255}, {60, 90, 60, 255}}
	shirt := shirts[seed%uint64(len(shirts))]
	if s.Shirt != (color.RGBA{}) {
		shirt = s.Shirt
	}
	skin := color.RGBA{R: 232, G: 196, B: 166, A: 255}
	hair := color.RGBA{R: 35, G: 28, B: 24, A: 255}

	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fw, fh := float64(w), float64(h)
	slot := fw / float64(figures)
	type figure struct{ cx, rx, ry, top, nw, join, neckEnd, sw, sh float64 }
	figs := make([]figure, figures)
	for i := range figs {
		f := &figs[i]
		f.cx = slot*(float64(i)+0.5) + float64(int(seed)-PhotoVariants/2)*fw/400
		f.rx = head * fw / 2 / float64(figures)
		f.nw = 0.45 * f.rx
		k := math.Sqrt(1 - 0.45*0.45)
		f.ry = head * fh / (1 + k)
		f.top = max(0.02, (1-head-0.12)/2) * fh
		f.join = f.top + f.ry*(1+k)
		f.neckEnd = f.join + 0.06*fh
		f.sw = min(slot*0.92, 2.6*f.rx) / 2
		f.sh = 0.25 * fh
	}
	for y := range h {
		fy := float64(y) + 0.5
		for x := range w {
			fx := float64(x) + 0.5
			c := bg
			for _, f := range figs {
				dx, dy := (fx-f.cx)/f.rx, (fy-(f.top+f.ry))/f.ry
				switch {
				case dx*dx+dy*dy <= 1 && fy < f.top+0.45*f.ry:
					c = hair
				case dx*dx+dy*dy <= 1:
					c = skin
				case fy >= f.neckEnd && (fy >= f.neckEnd+f.sh || sq((fx-f.cx)/f.sw)+sq((fy-f.neckEnd-f.sh)/f.sh) <= 1):
					if math.Abs(fx-f.cx) <= f.sw {
						c = shirt
					}
				case fy >= f.join-0.05*fh && math.Abs(fx-f.cx) <= f.nw:
					c = skin
				}
			}
			n := 0
			if s.Noise > 0 {
				n = int(rng.Uint32()%uint32(2*s.Noise+1)) - s.Noise
			}
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = noisy(c.R, n), noisy(c.G, n), noisy(c.B, n), 255
		}
	}
	var src image.Image = img
	if s.Grey {
		g := image.NewGray(img.Bounds())
		for y := range h {
			for x := range w {
				g.Set(x, y, img.At(x, y))
			}
		}
		src = g
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	out := buf.Bytes()
	if !s.Taken.IsZero() {
		out = WithEXIFDate(out, s.Taken)
	}
	return out, nil
}

func sq(v float64) float64 { return v * v }

func noisy(v uint8, n int) uint8 { return uint8(min(max(int(v)+n, 0), 255)) }

// WithEXIFDate returns the JPEG with an EXIF block (APP1, little-endian
// TIFF) after its start marker holding DateTimeOriginal t in Beijing time.
func WithEXIFDate(jpg []byte, t time.Time) []byte {
	if len(jpg) < 2 {
		return jpg
	}
	le := binary.LittleEndian
	tiff := []byte("II*\x00")
	tiff = le.AppendUint32(tiff, 8)
	// IFD0: one entry, the Exif IFD pointer (tag 0x8769, LONG).
	tiff = le.AppendUint16(tiff, 1)
	tiff = le.AppendUint16(tiff, 0x8769)
	tiff = le.AppendUint16(tiff, 4)
	tiff = le.AppendUint32(tiff, 1)
	tiff = le.AppendUint32(tiff, 26)
	tiff = le.AppendUint32(tiff, 0)
	// Exif IFD at 26: DateTimeOriginal (0x9003, ASCII, 20 bytes at 44).
	tiff = le.AppendUint16(tiff, 1)
	tiff = le.AppendUint16(tiff, 0x9003)
	tiff = le.AppendUint16(tiff, 2)
	tiff = le.AppendUint32(tiff, 20)
	tiff = le.AppendUint32(tiff, 44)
	tiff = le.AppendUint32(tiff, 0)
	tiff = append(tiff, t.In(beijing).Format("2006:01:02 15:04:05")+"\x00"...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := make([]byte, 0, len(jpg)+len(seg)+4)
	out = append(out, jpg[:2]...)
	out = append(out, 0xff, 0xe1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// Photos caches generated photos, so a demo or test asking for the photo
// of every student draws only PhotoVariants of them. The returned bytes are
// shared: do not modify them. Safe for concurrent use; the zero value is
// ready.
type Photos struct {
	mu sync.Mutex
	m  map[uint64][]byte
}

// Photo returns Photo(seed), drawing it only on the first request for its
// variant.
func (p *Photos) Photo(seed uint64) ([]byte, error) {
	seed %= PhotoVariants
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.m[seed]; ok {
		return b, nil
	}
	b, err := Photo(seed)
	if err != nil {
		return nil, err
	}
	if p.m == nil {
		p.m = make(map[uint64][]byte)
	}
	p.m[seed] = b
	return b, nil
}
