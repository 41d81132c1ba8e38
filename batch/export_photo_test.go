package batch

import (
	"bytes"
	"image/jpeg"
)

// PhotoInternals exposes the photo pass's stages to the external tests,
// which generate photos with batchtest (an import cycle for this package).
type PhotoInternals struct {
	Components  int
	Progressive bool
	Quality     int
	Exact       bool
	Subsampling string
	// DCDiff is the mean absolute difference, in 8-bit levels of R, G
	// and B, between the DC-only 1/8-scale image and image/jpeg's decode,
	// averaged over 16×16-pixel squares inside the frame.
	DCDiff                float64
	HeadW, HeadH, Uniform float64
	Silhouette            int
	Background            Lab
}

// Silhouette outcomes, for the tests.
const (
	SilhouetteFound    = silhouetteFound
	SilhouetteNoGround = silhouetteNoGround
	SilhouetteNone     = silhouetteNone
	SilhouetteSeveral  = silhouetteSeveral
)

// InspectPhoto runs the header scan, the DC decode and the measurement.
func InspectPhoto(data []byte) (PhotoInternals, error) {
	h, err := scanJPEGHeader(data)
	if err != nil {
		return PhotoInternals{}, err
	}
	var in PhotoInternals
	in.Quality, in.Exact, _ = h.quality()
	in.Subsampling = h.subsampling()
	in.Components, in.Progressive = len(h.comps), h.sof == 2
	dc, err := decodeSmall(data, h)
	if err != nil {
		return in, err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return in, err
	}
	bm := blockMeans(img)
	// Compared over 16×16 pixels, the area a chroma block covers at
	// 4:2:0: within it the DC image's chroma is one value, image/jpeg's
	// varies.
	sum, n := 0, 0
	for y := 0; y+1 < h.height/8; y += 2 {
		for x := 0; x+1 < h.width/8; x += 2 {
			for c := range 3 {
				a, b := 0, 0
				for _, i := range [4]int{y*dc.w + x, y*dc.w + x + 1, (y+1)*dc.w + x, (y+1)*dc.w + x + 1} {
					a, b = a+int(dc.pix[3*i+c]), b+int(bm.pix[3*i+c])
				}
				sum, n = sum+max(a-b, b-a), n+4
			}
		}
	}
	if n > 0 {
		in.DCDiff = float64(sum) / float64(n)
	}
	m := measure(dc, h.width, h.height)
	in.HeadW, in.HeadH, in.Uniform, in.Silhouette, in.Background = m.headW*100, m.headH*100, m.uniform, m.silhouette, m.background
	return in, nil
}
