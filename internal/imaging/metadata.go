package imaging

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// StripMetadata returns a copy of an uploaded image without the metadata
// that can say where and by whom it was taken — EXIF (GPS position, camera
// serial, dates), XMP, IPTC, comments and text chunks — and without any
// bytes after the image's end (a photo with an archive or a page appended).
// The pixels are untouched: only container segments are dropped, never
// re-encoded. For JPEG the EXIF orientation is kept (in a minimal EXIF
// block of its own), so portrait phone photos still stand upright. GIF
// carries no such metadata and is returned as is.
//
// data must already have passed Sniff; a container that cannot be walked is
// EINVALID.
func StripMetadata(data []byte) ([]byte, error) {
	var out []byte
	var ok bool
	switch {
	case sniffIsJPEG(data):
		out, ok = stripJPEG(data)
	case sniffIsPNG(data):
		out, ok = stripPNG(data)
	case sniffIsWebP(data):
		out, ok = stripWebP(data)
	case sniffIsGIF(data):
		return data, nil
	}
	if !ok {
		return nil, shoot.Errorf(shoot.EINVALID, "the image's structure could not be read to remove its metadata")
	}
	return out, nil
}

// JPEG markers this file cares about.
const (
	jpegSOI  = 0xD8
	jpegEOI  = 0xD9
	jpegSOS  = 0xDA
	jpegAPP0 = 0xE0
	jpegAPP1 = 0xE1
	jpegAPP2 = 0xE2
	jpegAPPE = 0xEE // Adobe: colour transform, needed to decode
	jpegAPPF = 0xEF
	jpegCOM  = 0xFE
)

// stripJPEG walks the marker segments, keeping what decoding needs (tables,
// frames, scans, JFIF, the ICC profile, Adobe's transform flag) and
// replacing EXIF by an orientation-only block. It stops at EOI.
func stripJPEG(data []byte) ([]byte, bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != jpegSOI {
		return nil, false
	}
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:2])
	for i := 2; ; {
		for i < len(data) && data[i] == 0xFF && i+1 < len(data) && data[i+1] == 0xFF {
			i++ // fill bytes before a marker
		}
		if i+1 >= len(data) || data[i] != 0xFF {
			return nil, false
		}
		marker := data[i+1]
		switch {
		case marker == jpegEOI:
			out.Write(data[i : i+2])
			return out.Bytes(), true
		case marker >= 0xD0 && marker <= 0xD7, marker == 0x01:
			out.Write(data[i : i+2]) // standalone markers
			i += 2
			continue
		}
		if i+4 > len(data) {
			return nil, false
		}
		end := i + 2 + int(binary.BigEndian.Uint16(data[i+2:]))
		if end > len(data) || end < i+4 {
			return nil, false
		}
		seg := data[i:end]
		keepJPEGSegment(out, marker, seg)
		i = end
		if marker == jpegSOS {
			j, ok := skipEntropy(data, i)
			if !ok {
				return nil, false
			}
			out.Write(data[i:j])
			i = j
		}
	}
}

// keepJPEGSegment writes the segment to out if it is needed, or its
// replacement.
func keepJPEGSegment(out *bytes.Buffer, marker byte, seg []byte) {
	payload := seg[4:]
	switch {
	case marker == jpegAPP1 && bytes.HasPrefix(payload, []byte("Exif\x00\x00")):
		if o, ok := exifOrientation(payload[6:]); ok {
			out.Write(orientationSegment(o))
		}
	case marker == jpegAPP0 && (bytes.HasPrefix(payload, []byte("JFIF\x00")) || bytes.HasPrefix(payload, []byte("JFXX\x00"))):
		out.Write(seg)
	case marker == jpegAPP2 && bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00")):
		out.Write(seg)
	case marker == jpegAPPE && bytes.HasPrefix(payload, []byte("Adobe")):
		out.Write(seg)
	case marker >= jpegAPP0 && marker <= jpegAPPF, marker == jpegCOM:
		// XMP, IPTC, MPF, maker notes, comments: dropped.
	default:
		out.Write(seg)
	}
}

// skipEntropy returns the index of the first marker after the entropy-coded
// data that starts at i: an 0xFF not followed by a stuffed 0x00 or a restart
// marker.
func skipEntropy(data []byte, i int) (int, bool) {
	for ; i+1 < len(data); i++ {
		if data[i] != 0xFF {
			continue
		}
		next := data[i+1]
		if next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF {
			continue
		}
		return i, true
	}
	return 0, false
}

// exifOrientation reads tag 0x0112 (Orientation) from IFD0 of a TIFF
// structure, if present and valid (1–8).
func exifOrientation(tiff []byte) (uint16, bool) {
	if len(tiff) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	ifd := int(bo.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0, false
	}
	n := int(bo.Uint16(tiff[ifd:]))
	if ifd+2+12*n+4 > len(tiff) { // the entries and the next-IFD offset
		return 0, false
	}
	for k := 0; k < n; k++ {
		e := ifd + 2 + 12*k
		if bo.Uint16(tiff[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(tiff[e+2:]) != 3 || bo.Uint32(tiff[e+4:]) != 1 {
			return 0, false
		}
		o := bo.Uint16(tiff[e+8:])
		return o, o >= 1 && o <= 8
	}
	return 0, false
}

// orientationSegment is an APP1 EXIF segment holding one tag: Orientation.
func orientationSegment(o uint16) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, jpegAPP1, 0, 0})
	b.WriteString("Exif\x00\x00")
	b.WriteString("II*\x00")                      // little-endian TIFF
	b.Write([]byte{8, 0, 0, 0})                   // IFD0 right after the header
	b.Write([]byte{1, 0})                         // one entry
	b.Write([]byte{0x12, 0x01, 3, 0, 1, 0, 0, 0}) // Orientation, SHORT, count 1
	b.Write([]byte{byte(o), byte(o >> 8), 0, 0})
	b.Write([]byte{0, 0, 0, 0}) // no next IFD
	seg := b.Bytes()
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return seg
}

// pngDropped reports whether a PNG chunk carries metadata rather than
// anything needed to show the image.
func pngDropped(typ string) bool {
	switch typ {
	case "eXIf", "tEXt", "zTXt", "iTXt", "tIME":
		return true
	}
	return false
}

// stripPNG copies the chunks, dropping metadata chunks, up to IEND.
func stripPNG(data []byte) ([]byte, bool) {
	const sig = 8
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:sig])
	for i := sig; i+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[i:]))
		end := i + 12 + n
		if n < 0 || end > len(data) || end < i {
			return nil, false
		}
		typ := string(data[i+4 : i+8])
		if binary.BigEndian.Uint32(data[end-4:]) != crc32.ChecksumIEEE(data[i+4:end-4]) {
			return nil, false
		}
		if !pngDropped(typ) {
			out.Write(data[i:end])
		}
		if typ == "IEND" {
			return out.Bytes(), true
		}
		i = end
	}
	return nil, false
}

// VP8X flags of the metadata chunks.
const (
	webpFlagEXIF = 0x08
	webpFlagXMP  = 0x04
)

// stripWebP copies the RIFF chunks without EXIF and XMP, clears their flags
// in VP8X, and rewrites the RIFF size. Bytes past the RIFF size are dropped.
func stripWebP(data []byte) ([]byte, bool) {
	if len(data) < 12 {
		return nil, false
	}
	size := int(binary.LittleEndian.Uint32(data[4:]))
	if size < 4 || 8+size > len(data) {
		return nil, false
	}
	body := data[12 : 8+size]
	out := bytes.NewBuffer(make([]byte, 0, len(data)))
	out.Write(data[:12])
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return nil, false
		}
		n := int(binary.LittleEndian.Uint32(body[i+4:]))
		end := i + 8 + n + n%2 // chunks are padded to an even size
		if n < 0 || end > len(body)+n%2 || end < i {
			return nil, false
		}
		end = min(end, len(body))
		chunk := body[i:end]
		switch string(chunk[:4]) {
		case "EXIF", "XMP ":
		case "VP8X":
			c := append([]byte(nil), chunk...)
			if len(c) > 8 {
				c[8] &^= webpFlagEXIF | webpFlagXMP
			}
			out.Write(c)
		default:
			out.Write(chunk)
		}
		i = end
	}
	b := out.Bytes()
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b, true
}
