package pipeline

import (
	"context"
	"fmt"
	"time"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// MaxUploadBytes is the largest reference image accepted.
const MaxUploadBytes = 10 << 20

// StoreUpload checks that data is a JPEG, PNG, WebP or GIF image by its
// content (not its name), removes its location and other metadata
// (imaging.StripMetadata) so it never reaches a provider, stores it under a
// server-chosen name uploads/<epochms>-<random>.<ext>, and records it.
func StoreUpload(ctx context.Context, st store.Store, bucket *blob.Bucket, originalName string, data []byte, owner string) (*shoot.Upload, error) {
	if len(data) > MaxUploadBytes {
		return nil, shoot.Errorf(shoot.ETOOLARGE, "file is larger than 10 MB")
	}
	format, w, h, err := imaging.Sniff(data)
	if err != nil {
		return nil, err
	}
	if data, err = imaging.StripMetadata(data); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%d-%s.%s", time.Now().UnixMilli(), shoot.RandomToken(10), format.Ext)
	u := &shoot.Upload{Filename: name, Key: "uploads/" + name, OriginalName: originalName, Size: int64(len(data)),
		MimeType: format.MimeType, Width: w, Height: h, Owner: owner}
	if err := bucket.WriteAll(ctx, u.Key, data, &blob.WriterOptions{ContentType: format.MimeType}); err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not store the upload")
	}
	if err := st.CreateUpload(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// audioFormats are the audio beds accepted, known by their first bytes.
var audioFormats = []struct {
	ext, mime string
	match     func(b []byte) bool
}{
	{"wav", "audio/wav", func(b []byte) bool { return len(b) > 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE" }},
	{"mp3", "audio/mpeg", func(b []byte) bool {
		return len(b) > 3 && (string(b[:3]) == "ID3" || mpegAudioHeader(b))
	}},
	{"flac", "audio/flac", func(b []byte) bool { return len(b) > 4 && string(b[:4]) == "fLaC" }},
	{"ogg", "audio/ogg", func(b []byte) bool { return len(b) > 4 && string(b[:4]) == "OggS" }},
	{"m4a", "audio/mp4", func(b []byte) bool { return len(b) > 12 && string(b[4:8]) == "ftyp" && string(b[8:11]) == "M4A" }},
}

// mpegAudioHeader reports whether b starts with an MPEG audio frame header:
// the 11-bit sync, then a version, layer, bitrate and sample rate that are
// not the reserved values (so a file that merely starts with 0xFF is not
// taken for one).
func mpegAudioHeader(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return false
	}
	version, layer := (b[1]>>3)&3, (b[1]>>1)&3
	bitrate, rate := b[2]>>4, (b[2]>>2)&3
	return version != 1 && layer != 0 && bitrate != 15 && rate != 3
}

// StoreAudio checks that data is a WAV, MP3, FLAC, Ogg or M4A file by its
// first bytes (ffmpeg checks it can play it when the film is made), stores
// it under a server-chosen name uploads/<epochms>-<random>.<ext>, and
// records it, for options.audio.
func StoreAudio(ctx context.Context, st store.Store, bucket *blob.Bucket, originalName string, data []byte, owner string) (*shoot.Upload, error) {
	if len(data) > MaxUploadBytes {
		return nil, shoot.Errorf(shoot.ETOOLARGE, "file is larger than 10 MB")
	}
	for _, f := range audioFormats {
		if !f.match(data) {
			continue
		}
		name := fmt.Sprintf("%d-%s.%s", time.Now().UnixMilli(), shoot.RandomToken(10), f.ext)
		u := &shoot.Upload{Filename: name, Key: "uploads/" + name, OriginalName: originalName, Size: int64(len(data)),
			MimeType: f.mime, Owner: owner}
		if err := bucket.WriteAll(ctx, u.Key, data, &blob.WriterOptions{ContentType: f.mime}); err != nil {
			return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not store the upload")
		}
		if err := st.CreateUpload(ctx, u); err != nil {
			return nil, err
		}
		return u, nil
	}
	return nil, shoot.Errorf(shoot.EINVALID, "the audio bed must be a WAV, MP3, FLAC, Ogg or M4A file")
}
