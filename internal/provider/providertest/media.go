package providertest

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strconv"
	"strings"
)

// PNG returns a w×h PNG with a gradient, for result images and test frames.
func PNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return buf.Bytes()
}

// StubMP4 returns the bytes of an ISO-BMFF file holding only an ftyp and an
// empty mdat box: enough for "is this an MP4" checks, not for decoding.
func StubMP4() []byte {
	var b bytes.Buffer
	box := func(typ string, payload []byte) {
		binary.Write(&b, binary.BigEndian, uint32(8+len(payload)))
		b.WriteString(typ)
		b.Write(payload)
	}
	box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2mp41"))
	box("mdat", nil)
	return b.Bytes()
}

// JPEG returns a w×h gradient JPEG.
func JPEG(w, h int) []byte {
	img, _, err := image.Decode(bytes.NewReader(PNG(w, h)))
	if err != nil {
		panic(err) // our own PNG always decodes
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// defaultImage sizes an image from the request's aspect_ratio (long side
// 768) in its output_format: JPEG when asked, else PNG (the standard
// library cannot write WebP).
func defaultImage(_ string, input map[string]any) []byte {
	w, h := aspectSize(input, 768, 768, 768)
	if input["output_format"] == "jpeg" {
		return JPEG(w, h)
	}
	return PNG(w, h)
}

// aspectSize is the size of an image with the given long side in the
// request's aspect_ratio ("W:H"), or w×h when it has none or a bad one.
func aspectSize(input map[string]any, long, w, h int) (int, int) {
	ar, _ := input["aspect_ratio"].(string)
	a, b, ok := strings.Cut(ar, ":")
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || x <= 0 || y <= 0 {
		return w, h
	}
	if x >= y {
		return long, long * y / x
	}
	return long * x / y, long
}

func defaultVideo(string, map[string]any) []byte { return StubMP4() }

// newUUID returns a random RFC 4122 v4 string.
func newUUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decodeBody reads a JSON object body; ok is false for anything else.
func decodeBody(r *http.Request) (map[string]any, bool) {
	var m map[string]any
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<20))
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// cloneInput copies a decoded body one level deep for callers to keep.
func cloneInput(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
