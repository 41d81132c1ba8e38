package batch

import (
	"math"
	"slices"
)

// This file measures a photo's 1/8-scale image (one cell per 8×8 block): the
// background colour of its border in CIE L*a*b* and the head's silhouette.
// At this scale a cell is 1/80 of a 640-pixel side, so sizes are measured to
// about ±1.25 % of the frame, within the head tolerance (HeadTolerance).

// Lab is a colour in CIE L*a*b* (D65 white, sRGB primaries): L* 0 (black) to
// 100 (white), a* green (−) to red (+), b* blue (−) to yellow (+). Distances
// in it (ΔE*76, the Euclidean distance) follow perceived difference, and the
// hue angle h = atan2(b*, a*) names the colour independently of lightness.
type Lab struct{ L, A, B float64 }

// Chroma is the colourfulness C* = √(a*²+b*²): 0 for greys.
func (c Lab) Chroma() float64 { return math.Hypot(c.A, c.B) }

// Hue is the hue angle h_ab in degrees, 0 ≤ h < 360 (blue is about 225-315).
func (c Lab) Hue() float64 {
	h := math.Atan2(c.B, c.A) * 180 / math.Pi
	if h < 0 {
		h += 360
	}
	return h
}

// deltaE2 is the square of ΔE*76, the Euclidean distance in L*a*b*: the
// checks compare it with squared thresholds.
func deltaE2(a, b Lab) float64 {
	dl, da, db := a.L-b.L, a.A-b.A, a.B-b.B
	return dl*dl + da*da + db*db
}

// srgbLinear maps an 8-bit sRGB value to linear light (IEC 61966-2-1). It is
// computed once and never changed.
var srgbLinear = func() (t [256]float64) {
	for i := range t {
		c := float64(i) / 255
		if c <= 0.04045 {
			t[i] = c / 12.92
		} else {
			t[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return t
}()

// LabOf converts an 8-bit sRGB colour to CIE L*a*b* (D65).
func LabOf(r, g, b uint8) Lab {
	lr, lg, lb := srgbLinear[r], srgbLinear[g], srgbLinear[b]
	x := (0.4124564*lr + 0.3575761*lg + 0.1804375*lb) / 0.95047
	y := 0.2126729*lr + 0.7151522*lg + 0.0721750*lb
	z := (0.0193339*lr + 0.1191920*lg + 0.9503041*lb) / 1.08883
	fx, fy, fz := labF(x), labF(y), labF(z)
	return Lab{L: 116*fy - 16, A: 500 * (fx - fy), B: 200 * (fy - fz)}
}

func labF(t float64) float64 {
	if t > 216.0/24389 {
		if t >= 1 {
			return math.Cbrt(t)
		}
		// Linear interpolation in a table of cube roots: within 1e-4 of
		// math.Cbrt above the knee (0.01 of L*), four times faster.
		f := t * cbrtSteps
		i := int(f)
		return cbrtTable[i] + (cbrtTable[i+1]-cbrtTable[i])*(f-float64(i))
	}
	return (24389.0/27*t + 16) / 116
}

const cbrtSteps = 2048

// cbrtTable holds the cube roots of i/cbrtSteps; computed once, never
// changed.
var cbrtTable = func() (t [cbrtSteps + 1]float64) {
	for i := range t {
		t[i] = math.Cbrt(float64(i) / cbrtSteps)
	}
	return t
}()

// Silhouette outcomes of a measurement.
const (
	silhouetteFound    = iota
	silhouetteNoGround // the border has no uniform colour
	silhouetteNone     // nothing but background
	silhouetteSeveral  // more than one figure
	silhouetteTooSmall // the image is too small to measure
)

// Measurement constants: documented in PhotoRules.
const (
	// borderUniformDeltaE: a border cell within this ΔE*76 of the border's
	// median colour counts as background.
	borderUniformDeltaE = 15
	// borderUniformShare: at least this share of the border must be
	// background for the background to be "clear".
	borderUniformShare = 0.6
	// silhouetteDeltaE: a cell farther than this from the background colour
	// belongs to the subject.
	silhouetteDeltaE = 25
	// figureShare: a connected part of the subject covering at least this
	// share of the frame is a figure; smaller parts are noise.
	figureShare = 0.03
	// neckRatio: a neck row is at most this share of the widest row above
	// it.
	neckRatio = 0.8
	// minHeadShare: the neck is at least this share of the frame's height
	// below the top of the figure (C-2 asks for 60 %).
	minHeadShare = 0.2
)

// photoMeasure is what the pixels say.
type photoMeasure struct {
	background  Lab
	backgroundR [3]uint8 // sRGB of the border's median cell colour
	uniform     float64  // share of the border within borderUniformDeltaE
	silhouette  int
	headW       float64 // head width / frame width
	headH       float64 // head height / frame height
	headCut     bool    // the head runs into the bottom edge (no neck above it)
}

// measure finds the background colour and the head in img, the 1/8-scale
// image of a frameW×frameH photo.
func measure(img *dcImage, frameW, frameH int) photoMeasure {
	var m photoMeasure
	w, h := img.w, img.h
	if w < 4 || h < 4 || len(img.pix) != 3*w*h {
		m.silhouette = silhouetteTooSmall
		return m
	}
	lab := make([]Lab, w*h)
	for i := range lab {
		lab[i] = LabOf(img.pix[3*i], img.pix[3*i+1], img.pix[3*i+2])
	}
	// Border: the top rows over the whole width and the outer columns down
	// to half the height, where a head-and-shoulders photo shows only
	// background.
	top, side := max(1, h/16), max(1, w/10)
	var border []int
	for y := range h / 2 {
		for x := range w {
			if y < top || x < side || x >= w-side {
				border = append(border, y*w+x)
			}
		}
	}
	ch := make([]float64, len(border))
	median := func(get func(Lab) float64) float64 {
		for i, c := range border {
			ch[i] = get(lab[c])
		}
		slices.Sort(ch)
		return ch[len(ch)/2]
	}
	m.background = Lab{L: median(func(c Lab) float64 { return c.L }), A: median(func(c Lab) float64 { return c.A }), B: median(func(c Lab) float64 { return c.B })}
	best := math.Inf(1)
	near := 0
	for _, c := range border {
		d := deltaE2(lab[c], m.background)
		if d <= borderUniformDeltaE*borderUniformDeltaE {
			near++
		}
		if d < best {
			best = d
			copy(m.backgroundR[:], img.pix[3*c:3*c+3])
		}
	}
	m.uniform = float64(near) / float64(len(border))
	if m.uniform < borderUniformShare {
		m.silhouette = silhouetteNoGround
		return m
	}
	// The subject: cells far from the background, in 4-connected parts.
	label := make([]int32, w*h)
	for i := range label {
		if deltaE2(lab[i], m.background) > silhouetteDeltaE*silhouetteDeltaE {
			label[i] = -1
		}
	}
	var sizes []int
	stack := make([]int, 0, 64)
	for i := range label {
		if label[i] != -1 {
			continue
		}
		id := int32(len(sizes) + 1)
		n := 0
		label[i] = id
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			x := c % w
			for _, nb := range [4]int{c - 1, c + 1, c - w, c + w} {
				if nb < 0 || nb >= len(label) || label[nb] != -1 || (nb == c-1 && x == 0) || (nb == c+1 && x == w-1) {
					continue
				}
				label[nb] = id
				stack = append(stack, nb)
			}
		}
		sizes = append(sizes, n)
	}
	main, figures := int32(0), 0
	for i, n := range sizes {
		if float64(n) >= figureShare*float64(w*h) {
			figures++
			if main == 0 || n > sizes[main-1] {
				main = int32(i + 1)
			}
		}
	}
	switch {
	case figures == 0:
		m.silhouette = silhouetteNone
		return m
	case figures > 1:
		m.silhouette = silhouetteSeveral
		return m
	}
	// Row extents of the figure; the head is the part above the narrowest
	// row of the neck: the topmost row of least width among the neck
	// candidates, or the whole figure when there is none.
	width := make([]int, h)
	first, last := -1, -1
	for y := range h {
		lo, hi := -1, -1
		for x := range w {
			if label[y*w+x] == main {
				if lo < 0 {
					lo = x
				}
				hi = x
			}
		}
		if lo >= 0 {
			width[y] = hi - lo + 1
			if first < 0 {
				first = y
			}
			last = y
		}
	}
	// Neck candidates: rows at least minHeadShare of the frame below the
	// figure's top (so that hair or a hat cannot pass for a neck) and
	// much narrower than the widest row above them. Shoulders need not be
	// seen: a shirt the background's colour hides them, and a head too big
	// for the frame runs off its bottom edge.
	isNeck := make([]bool, h)
	least, above := w+1, 0
	for y := first; y <= last; y++ {
		if float64(y-first) >= minHeadShare*float64(h) && float64(width[y]) <= neckRatio*float64(above) {
			isNeck[y], least = true, min(least, width[y])
		}
		above = max(above, width[y])
	}
	neck := -1
	for y := first; y <= last && neck < 0; y++ {
		if isNeck[y] && width[y] <= least+1 { // one cell of slack: edge cells are mixed
			neck = y
		}
	}
	end := last + 1
	if neck >= 0 {
		end = neck
	}
	// No neck and the figure reaches the bottom edge: the neck, if any, is
	// below the frame, and the height measured is a lower bound.
	m.headCut = last == h-1 && neck < 0
	headW := 0
	for y := first; y < end; y++ {
		headW = max(headW, width[y])
	}
	m.silhouette = silhouetteFound
	m.headW = min(float64(8*headW)/float64(frameW), 1)
	m.headH = min(float64(8*(end-first))/float64(frameH), 1)
	return m
}
