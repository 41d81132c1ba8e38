package sam_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/sam/samtest"
)

// The Soft SAM passes the conformance suite under both suites.
func TestSoftConformance(t *testing.T) {
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		t.Run(alg.Name(), func(t *testing.T) {
			samtest.Run(t, alg, samtest.Harness{New: func(t *testing.T, ks *sam.KeySet, id sam.SAMID) samtest.SAM {
				s, err := sam.NewSoft(id, ks)
				require.NoError(t, err)
				t.Cleanup(func() { _ = s.Close() })
				return s
			}})
		})
	}
}

// The PSAM driver over the PSAM simulator passes the conformance suite, in
// T=1 and in T=0 (61xx and GET RESPONSE), with no key in the APDU log.
func TestPSAMConformance(t *testing.T) {
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		for _, t0 := range []bool{false, true} {
			name := alg.Name() + "/T=1"
			if t0 {
				name = alg.Name() + "/T=0"
			}
			t.Run(name, func(t *testing.T) {
				var recs []*recorder
				samtest.Run(t, alg, samtest.Harness{
					New: func(t *testing.T, ks *sam.KeySet, id sam.SAMID) samtest.SAM {
						cfg := sam.PSAMConfig{
							Suite: alg, ID: id, DF: educationDF,
							Keys: map[sam.KeyRef]sam.PSAMKey{
								{ID: samtest.RefExternal, Version: 1}: {Usage: sam.UsageEncrypt, Index: 0x01},
								{ID: samtest.RefInternal, Version: 1}: {Usage: sam.UsageEncrypt, Index: 0x02},
								{ID: samtest.RefMAC, Version: 1}:      {Usage: sam.UsageMAC, Index: 0x03},
								{ID: samtest.RefEncrypt, Version: 1}:  {Usage: sam.UsageEncrypt, Index: 0x04},
							},
							Management: sam.PSAMKey{Usage: sam.UsageEncrypt, Index: 0x10},
						}
						sim, err := sam.NewPSAMSimulator(ks, cfg, t0)
						require.NoError(t, err)
						rec := &recorder{t: sim}
						recs = append(recs, rec)
						p, err := sam.NewPSAM(rec, cfg)
						require.NoError(t, err)
						t.Cleanup(func() { _ = p.Close() })
						return p
					},
					Log: func() string {
						var log []string
						for _, r := range recs {
							r.mu.Lock()
							log = append(log, r.log...)
							r.mu.Unlock()
						}
						return strings.Join(log, "\n")
					},
				})
			})
		}
	}
}
