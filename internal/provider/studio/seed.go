package studio

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// newRand returns the random stream of one decision of a request. The prompt
// and a purpose label are hashed into the PCG stream, so the layout, the look
// and the grain draw independently: changing how many numbers one of them
// takes never shifts the others.
func newRand(seed int64, prompt, purpose string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(prompt))
	h.Write([]byte{0})
	h.Write([]byte(purpose))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// between draws a float uniformly from [lo, hi).
func between(r *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*r.Float64() }

// sign draws -1 or +1.
func sign(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return -1
	}
	return 1
}

// mix32 is a 32-bit integer finaliser (murmur3's): a cheap, well-spread hash
// for per-pixel noise, far faster than a random stream per pixel.
func mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x85ebca6b
	x ^= x >> 13
	x *= 0xc2b2ae35
	x ^= x >> 16
	return x
}

// hash2 hashes a lattice point with a seed.
func hash2(x, y int, seed uint32) uint32 {
	return mix32(uint32(x)*0x27d4eb2d ^ mix32(uint32(y)+seed*0x9e3779b9))
}

// grainAt is film-grain noise in [-1, 1] with a triangular distribution
// (the sum of two uniforms), which reads as grain rather than static.
func grainAt(x, y int, seed uint32) float32 {
	h := hash2(x, y, seed)
	return (float32(h&0xffff)+float32(h>>16))/65535 - 1
}

// fingerprint identifies a request's inputs for its handle.
func fingerprint(parts ...any) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			binary.LittleEndian.PutUint64(n[:], uint64(len(v)))
			h.Write(n[:])
			h.Write([]byte(v))
		case int64:
			binary.LittleEndian.PutUint64(n[:], uint64(v))
			h.Write(n[:])
		case []byte:
			binary.LittleEndian.PutUint64(n[:], uint64(len(v)))
			h.Write(n[:])
			h.Write(v)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

func imageFingerprint(req shoot.ImageRequest) string {
	parts := []any{req.Kind, req.Prompt, req.Seed, req.AspectRatio, req.Resolution, req.Background}
	for _, ref := range req.References {
		parts = append(parts, ref.Data)
	}
	return fingerprint(parts...)
}

func clipFingerprint(req shoot.ClipRequest) string {
	return fingerprint("clip", req.Prompt, req.Seed, int64(req.Seconds), req.Start.Data, req.End.Data)
}
