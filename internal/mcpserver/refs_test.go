package mcpserver

import (
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAssetURIRoundTrip: for random session ids and file names (including
// characters URLs escape), parseAssetURI reads back what assetURI wrote.
func TestAssetURIRoundTrip(t *testing.T) {
	t.Parallel()
	const idChars = "abcXYZ019_-"
	const nameChars = "abc.-_ /%?#é+&="
	for seed := uint64(0); seed < 200; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		pick := func(set string, n int) string {
			rs := []rune(set)
			var b strings.Builder
			for range n {
				b.WriteRune(rs[r.IntN(len(rs))])
			}
			return b.String()
		}
		sid := "s" + pick(idChars, r.IntN(20))
		name := pick(nameChars, 1+r.IntN(20))
		gotSID, gotName, ok := parseAssetURI(assetURI(sid, name))
		if !ok || gotSID != sid || gotName != name {
			t.Fatalf("seed %d: %q %q -> %q %q %v", seed, sid, name, gotSID, gotName, ok)
		}
	}
	for _, bad := range []string{"", "shoot://sessions/a", "http://sessions/a/assets/b", "shoot://other/a/assets/b",
		"shoot://sessions/a/files/b", "shoot://sessions/a/assets/", "shoot://sessions/a/assets/b/c"} {
		if _, _, ok := parseAssetURI(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestDecodeDataURL reads random payloads back and refuses what is not a
// base64 data: URL.
func TestDecodeDataURL(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < 50; seed++ {
		r := rand.New(rand.NewPCG(seed, 9))
		data := make([]byte, r.IntN(300))
		for i := range data {
			data[i] = byte(r.IntN(256))
		}
		f, err := decodeDataURL(0, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(data))
		if err != nil || string(f.Data) != string(data) || !strings.HasSuffix(f.Name, ".png") {
			t.Fatalf("seed %d: %v, %d bytes, %q", seed, err, len(f.Data), f.Name)
		}
	}
	for _, bad := range []string{"data:image/png,abc", "data:image/png;base64", "data:image/png;base64,@@@"} {
		if _, err := decodeDataURL(0, bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}
