package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// topLevelBoxes lists the types of the top-level boxes of an MP4 file in
// file order ("ftyp", "moov", "mdat", …), reading only the box headers.
func topLevelBoxes(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var types []string
	for off := int64(0); off < st.Size(); {
		typ, size, err := readBoxHeader(f, off, st.Size())
		if err != nil {
			return types, err
		}
		types = append(types, typ)
		off += size
	}
	return types, nil
}

// readBoxHeader reads the box at off: a 32-bit size and a 4-byte type, where
// size 1 means a 64-bit size follows and size 0 means "to the end of file".
func readBoxHeader(r io.ReaderAt, off, fileSize int64) (string, int64, error) {
	var hdr [16]byte
	if _, err := r.ReadAt(hdr[:8], off); err != nil {
		return "", 0, fmt.Errorf("mp4 box header at %d: %w", off, err)
	}
	size, typ := int64(binary.BigEndian.Uint32(hdr[:4])), string(hdr[4:8])
	switch size {
	case 0:
		size = fileSize - off
	case 1:
		if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
			return "", 0, fmt.Errorf("mp4 box %q large size: %w", typ, err)
		}
		size = int64(binary.BigEndian.Uint64(hdr[8:16]))
	}
	if size < 8 || off+size > fileSize {
		return "", 0, fmt.Errorf("mp4 box %q at %d has bad size %d", typ, off, size)
	}
	return typ, size, nil
}

// checkFaststart reports an error unless the moov box (the index a player
// needs first) comes before the mdat box, which is what +faststart does and
// what lets a browser start playing before the whole file has arrived.
func checkFaststart(path string) error {
	types, err := topLevelBoxes(path)
	if err != nil {
		return err
	}
	moov, mdat := slices.Index(types, "moov"), slices.Index(types, "mdat")
	if moov < 0 || mdat < 0 {
		return fmt.Errorf("mp4 is missing moov or mdat (boxes %v)", types)
	}
	if moov > mdat {
		return errors.New("mp4 index (moov) comes after the media (mdat): not faststart")
	}
	return nil
}
