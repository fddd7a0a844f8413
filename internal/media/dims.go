package media

import (
	"encoding/binary"
	"errors"
	"io"
)

// VideoSize reads the display size of the first video track of an MP4 file
// from its track header (moov → trak → tkhd), without decoding anything.
// size is the file's length.
func VideoSize(r io.ReaderAt, size int64) (width, height int, err error) {
	moov, moovSize, err := findBox(r, 0, size, "moov")
	if err != nil {
		return 0, 0, err
	}
	for off, end := moov+8, moov+moovSize; off < end; {
		typ, n, err := readBoxHeader(r, off, end)
		if err != nil {
			return 0, 0, err
		}
		if typ == "trak" {
			if w, h, err := trackSize(r, off, n); err == nil && w > 0 && h > 0 {
				return w, h, nil
			}
		}
		off += n
	}
	return 0, 0, errors.New("mp4: no video track with a size")
}

// findBox returns the offset and size of the first box of type want among
// the boxes between off and end.
func findBox(r io.ReaderAt, off, end int64, want string) (int64, int64, error) {
	for off < end {
		typ, n, err := readBoxHeader(r, off, end)
		if err != nil {
			return 0, 0, err
		}
		if typ == want {
			return off, n, nil
		}
		off += n
	}
	return 0, 0, errors.New("mp4: no " + want + " box")
}

// trackSize reads width and height from a trak box's tkhd: the last eight
// bytes of the header, two 16.16 fixed-point numbers.
func trackSize(r io.ReaderAt, trak, trakSize int64) (int, int, error) {
	off, n, err := findBox(r, trak+8, trak+trakSize, "tkhd")
	if err != nil {
		return 0, 0, err
	}
	if n < 8+84 {
		return 0, 0, errors.New("mp4: short tkhd")
	}
	var b [8]byte
	if _, err := r.ReadAt(b[:], off+n-8); err != nil {
		return 0, 0, err
	}
	return int(binary.BigEndian.Uint32(b[:4]) >> 16), int(binary.BigEndian.Uint32(b[4:]) >> 16), nil
}
