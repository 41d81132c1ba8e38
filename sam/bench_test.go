package sam_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/bjedu/studentcard/sam"
)

// BenchmarkMAC measures the PBOC MAC per suite on a short secure-messaging
// command (64 bytes) and a long write (1 KiB).
func BenchmarkMAC(b *testing.B) {
	key := mustHex(b, masterHex[refMAC])
	iv := []byte{1, 2, 3, 4}
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		for _, n := range []int{64, 1024} {
			data := make([]byte, n)
			b.Run(fmt.Sprintf("%s/%dB", alg.Name(), n), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					if _, err := alg.MAC(key, iv, data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkDiversify measures one level of key diversification per suite.
func BenchmarkDiversify(b *testing.B) {
	key := mustHex(b, masterHex[refExt])
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		b.Run(alg.Name(), func(b *testing.B) {
			for b.Loop() {
				if _, err := alg.Diversify(key, serial); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSAMMAC compares a 64-byte MAC through the Soft SAM (diversify +
// MAC) and through the PSAM driver over the simulator (APDU encoding and
// parsing on top), to show what the driver layer costs without hardware.
func BenchmarkSAMMAC(b *testing.B) {
	ctx := context.Background()
	data := make([]byte, 64)
	for _, alg := range []sam.Algorithm{sam.TDES, sam.SM4} {
		soft, _ := unlockedSoft(b, alg)
		rig := newRig(b, alg, true)
		b.Run(alg.Name()+"/Soft", func(b *testing.B) {
			for b.Loop() {
				if _, err := soft.MAC(ctx, refMAC, serial, nil, data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg.Name()+"/PSAM+simulator", func(b *testing.B) {
			for b.Loop() {
				if _, err := rig.psam.MAC(ctx, refMAC, serial, nil, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
