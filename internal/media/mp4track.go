package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// videoTrack is what an MP4's index (moov) says about its first video
// track, read in Go: checking a file this package has just written costs
// no ffprobe start.
type videoTrack struct {
	// codec is the sample entry's type ("avc1" for H.264).
	codec         string
	width, height int
	// profile and constraints are the H.264 profile_idc and constraint
	// flags; chroma is chroma_format_idc (1 is 4:2:0) and depth the luma
	// bit depth, read from the sequence parameter set.
	profile, constraints int
	chroma, depth        int
	// samples is the track's sample (frame) count and sampleBytes their
	// total size, from the sample size table (stsz).
	samples     int
	sampleBytes int64
}

// h264yuv420p reports whether the track is 8-bit 4:2:0 H.264, what
// ffprobe calls h264/yuv420p.
func (v videoTrack) h264yuv420p() bool {
	return (v.codec == "avc1" || v.codec == "avc3") && v.chroma == 1 && v.depth == 8
}

// format names the track's coding the way an error message should.
func (v videoTrack) format() string {
	return fmt.Sprintf("%s (H.264 profile %d, chroma format %d, %d-bit)", v.codec, v.profile, v.chroma, v.depth)
}

// readVideoTrack reads the first video track of the MP4 at path from its
// index, and checks that the media boxes hold at least the bytes the index
// gives its samples, so a file cut short is caught.
func readVideoTrack(path string) (videoTrack, error) {
	f, err := os.Open(path)
	if err != nil {
		return videoTrack{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return videoTrack{}, err
	}
	size := st.Size()
	var mdat int64
	var track *videoTrack
	for off := int64(0); off < size; {
		typ, n, err := readBoxHeader(f, off, size)
		if err != nil {
			return videoTrack{}, err
		}
		switch {
		case typ == "mdat":
			mdat += n - boxHeaderLen(f, off)
		case typ == "moov" && track == nil:
			if track, err = moovVideoTrack(f, off, n); err != nil {
				return videoTrack{}, err
			}
		}
		off += n
	}
	if track == nil {
		return videoTrack{}, errors.New("mp4: no moov box")
	}
	if track.sampleBytes > mdat {
		return videoTrack{}, fmt.Errorf("mp4: the index gives its samples %d bytes, the media holds %d", track.sampleBytes, mdat)
	}
	return *track, nil
}

// boxHeaderLen is 16 for a box with a 64-bit size, else 8.
func boxHeaderLen(r io.ReaderAt, off int64) int64 {
	var b [4]byte
	if _, err := r.ReadAt(b[:], off); err == nil && binary.BigEndian.Uint32(b[:]) == 1 {
		return 16
	}
	return 8
}

// children calls fn for each box inside the box at off (of size n, whose
// payload starts skip bytes after its header).
func children(r io.ReaderAt, off, n, skip int64, fn func(typ string, off, n int64) error) error {
	end := off + n
	for at := off + boxHeaderLen(r, off) + skip; at < end; {
		typ, size, err := readBoxHeader(r, at, end)
		if err != nil {
			return err
		}
		if err := fn(typ, at, size); err != nil {
			return err
		}
		at += size
	}
	return nil
}

// payload reads the payload of the box at off (of size n), at most max bytes.
func payload(r io.ReaderAt, off, n int64, max int) ([]byte, error) {
	h := boxHeaderLen(r, off)
	b := make([]byte, min(n-h, int64(max)))
	if _, err := r.ReadAt(b, off+h); err != nil {
		return nil, err
	}
	return b, nil
}

// errFound stops a box walk once the wanted box has been read.
var errFound = errors.New("found")

// moovVideoTrack finds the first trak whose handler is "vide".
func moovVideoTrack(r io.ReaderAt, moov, n int64) (*videoTrack, error) {
	var track *videoTrack
	err := children(r, moov, n, 0, func(typ string, off, n int64) error {
		if typ != "trak" {
			return nil
		}
		t, err := trakVideo(r, off, n)
		if err != nil || t == nil {
			return err
		}
		track = t
		return errFound
	})
	if err != nil && !errors.Is(err, errFound) {
		return nil, err
	}
	if track == nil {
		return nil, errors.New("mp4: no video track")
	}
	return track, nil
}

// trakVideo reads a trak box: nil when it is not a video track.
func trakVideo(r io.ReaderAt, trak, n int64) (*videoTrack, error) {
	mdia, mn, err := findBox(r, trak+boxHeaderLen(r, trak), trak+n, "mdia")
	if err != nil {
		return nil, err
	}
	hdlr, hn, err := findBox(r, mdia+boxHeaderLen(r, mdia), mdia+mn, "hdlr")
	if err != nil {
		return nil, err
	}
	h, err := payload(r, hdlr, hn, 12)
	if err != nil || len(h) < 12 {
		return nil, errors.New("mp4: short hdlr box")
	}
	if string(h[8:12]) != "vide" {
		return nil, nil
	}
	minf, fn, err := findBox(r, mdia+boxHeaderLen(r, mdia), mdia+mn, "minf")
	if err != nil {
		return nil, err
	}
	stbl, sn, err := findBox(r, minf+boxHeaderLen(r, minf), minf+fn, "stbl")
	if err != nil {
		return nil, err
	}
	t := &videoTrack{}
	stsd, dn, err := findBox(r, stbl+boxHeaderLen(r, stbl), stbl+sn, "stsd")
	if err != nil {
		return nil, err
	}
	if err := readSampleEntry(r, stsd, dn, t); err != nil {
		return nil, err
	}
	stsz, zn, err := findBox(r, stbl+boxHeaderLen(r, stbl), stbl+sn, "stsz")
	if err != nil {
		return nil, err
	}
	return t, readSampleSizes(r, stsz, zn, t)
}

// visualEntryLen is the fixed part of a visual sample entry after its
// header: reserved and data reference (8), then 70 bytes whose width and
// height sit at 16 and 18.
const visualEntryLen = 78

// readSampleEntry reads the first sample description: its type, size
// and, for H.264, the decoder configuration (avcC).
func readSampleEntry(r io.ReaderAt, stsd, n int64, t *videoTrack) error {
	// stsd's payload: version and flags, entry count, then the entries.
	err := children(r, stsd, n, 8, func(typ string, off, size int64) error {
		t.codec = typ
		fixed, err := payload(r, off, size, visualEntryLen)
		if err != nil || len(fixed) < visualEntryLen {
			return errors.New("mp4: short visual sample entry")
		}
		t.width, t.height = int(binary.BigEndian.Uint16(fixed[24:])), int(binary.BigEndian.Uint16(fixed[26:]))
		if typ != "avc1" && typ != "avc3" {
			return errFound
		}
		avcC, cn, err := findBox(r, off+boxHeaderLen(r, off)+visualEntryLen, off+size, "avcC")
		if err != nil {
			return err
		}
		cfg, err := payload(r, avcC, cn, 1<<16)
		if err != nil {
			return err
		}
		if err := readAVCConfig(cfg, t); err != nil {
			return err
		}
		return errFound
	})
	if errors.Is(err, errFound) {
		return nil
	}
	if err == nil {
		return errors.New("mp4: no sample description")
	}
	return err
}

// readAVCConfig reads the profile, chroma format and bit depth from an
// AVCDecoderConfigurationRecord's first sequence parameter set.
func readAVCConfig(cfg []byte, t *videoTrack) error {
	if len(cfg) < 8 || cfg[5]&0x1f == 0 {
		return errors.New("mp4: avcC holds no sequence parameter set")
	}
	n := int(binary.BigEndian.Uint16(cfg[6:]))
	if n < 4 || 8+n > len(cfg) {
		return errors.New("mp4: short sequence parameter set")
	}
	sps := unescapeNAL(cfg[8+1 : 8+n]) // past the NAL header byte
	t.profile, t.constraints = int(sps[0]), int(sps[1])
	t.chroma, t.depth = 1, 8 // what profiles without the fields imply
	if !slices.Contains([]int{100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}, t.profile) {
		return nil
	}
	b := bitReader{data: sps[3:]}
	b.ue() // seq_parameter_set_id
	t.chroma = int(b.ue())
	if t.chroma == 3 {
		b.bit() // separate_colour_plane_flag
	}
	t.depth = 8 + int(b.ue())
	if b.err {
		return errors.New("mp4: truncated sequence parameter set")
	}
	return nil
}

// unescapeNAL drops the emulation-prevention bytes (00 00 03 → 00 00).
func unescapeNAL(b []byte) []byte {
	out := make([]byte, 0, len(b))
	zeros := 0
	for _, c := range b {
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// bitReader reads Exp-Golomb codes; running off the end sets err.
type bitReader struct {
	data []byte
	pos  int
	err  bool
}

func (b *bitReader) bit() uint {
	if b.pos >= 8*len(b.data) {
		b.err = true
		return 0
	}
	v := uint(b.data[b.pos/8]>>(7-b.pos%8)) & 1
	b.pos++
	return v
}

// ue reads an unsigned Exp-Golomb number.
func (b *bitReader) ue() uint {
	zeros := 0
	for b.bit() == 0 && !b.err {
		if zeros++; zeros > 31 {
			b.err = true
			return 0
		}
	}
	v := uint(1)
	for range zeros {
		v = v<<1 | b.bit()
	}
	return v - 1
}

// readSampleSizes reads the sample count and total sample bytes (stsz).
func readSampleSizes(r io.ReaderAt, stsz, n int64, t *videoTrack) error {
	h := boxHeaderLen(r, stsz)
	var head [12]byte
	if n-h < 12 {
		return errors.New("mp4: short stsz box")
	}
	if _, err := r.ReadAt(head[:], stsz+h); err != nil {
		return err
	}
	fixed, count := int64(binary.BigEndian.Uint32(head[4:])), int64(binary.BigEndian.Uint32(head[8:]))
	t.samples = int(count)
	if fixed != 0 {
		t.sampleBytes = fixed * count
		return nil
	}
	if n-h-12 < 4*count {
		return errors.New("mp4: short sample size table")
	}
	table := make([]byte, 4*count)
	if _, err := r.ReadAt(table, stsz+h+12); err != nil {
		return err
	}
	for i := range count {
		t.sampleBytes += int64(binary.BigEndian.Uint32(table[4*i:]))
	}
	return nil
}
