package studio

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// The hero carries its stage recipe in a PNG text chunk, so the contact
// sheet made from it can rebuild the very same set and aim real cameras at
// it instead of enlarging the hero's pixels. Any other hero (a hosted
// model's) simply has no such chunk.
const stageKeyword = "shoot-studio-stage"

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// withText inserts a tEXt chunk right after the IHDR chunk of a PNG.
func withText(png []byte, keyword, text string) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(png) < ihdrEnd || !bytes.Equal(png[:8], pngSignature) {
		return png
	}
	data := append(append([]byte(keyword), 0), text...)
	chunk := make([]byte, 0, 12+len(data))
	chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(png)+len(chunk))
	out = append(out, png[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, png[ihdrEnd:]...)
}

// textOf returns the text of a PNG's tEXt chunk with the keyword, looking
// only at the chunks before the image data.
func textOf(png []byte, keyword string) (string, bool) {
	if len(png) < 8 || !bytes.Equal(png[:8], pngSignature) {
		return "", false
	}
	for p := 8; p+12 <= len(png); {
		n := int(binary.BigEndian.Uint32(png[p:]))
		typ := string(png[p+4 : p+8])
		if n < 0 || p+12+n > len(png) || typ == "IDAT" {
			return "", false
		}
		if data := png[p+8 : p+8+n]; typ == "tEXt" && bytes.HasPrefix(data, append([]byte(keyword), 0)) {
			return string(data[len(keyword)+1:]), true
		}
		p += 12 + n
	}
	return "", false
}
