package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Upload limits.
const (
	MaxUploadFiles     = 10
	MaxUploadFileBytes = 10 << 20
	// maxUploadBody leaves room for multipart framing and a few over-size
	// files that are read only far enough to be refused.
	maxUploadBody = MaxUploadFiles*MaxUploadFileBytes + 10<<20
	// maxOriginalName bounds the client's file name we keep and echo.
	maxOriginalName = 255
)

// The upload answer is the client's UploadResult. Error is set only when
// every file failed; it then says why each file failed (see
// allUploadsFailed), and Errors lists the same reasons file by file.
type (
	uploadResponse = client.UploadResult
	uploadedFile   = client.UploadedFile
	uploadError    = client.FileError
)

// uploadPart is one file of the request, read into memory.
type uploadPart struct {
	name     string
	data     []byte
	tooLarge bool
	// audio is a file of the field "audio": a music bed for options.audio.
	audio bool
}

// upload answers POST /api/upload: multipart field "images" (pictures) and
// "audio" (music beds for options.audio), at most 10 files together of at
// most 10 MB each. Each file's type comes from its content; good
// files are stored under uploads/<epochms>-<random>.<ext> and recorded, bad
// ones listed in errors. If none is good the answer is 400, same shape.
//
// The files belong to the caller, lose their location metadata before they
// are stored (imaging.StripMetadata), and count against the caller's daily
// upload allowance: a request that would pass it stores nothing (429).
func (s *Server) upload(w http.ResponseWriter, r *http.Request) error {
	u, err := user(r)
	if err != nil {
		return err
	}
	parts, err := readUploadParts(w, r)
	if err != nil {
		return err
	}
	var want int64
	for _, p := range parts {
		want += int64(len(p.data))
	}
	release, err := s.reserveUpload(r.Context(), w, u, want)
	if err != nil {
		return err
	}
	unused := want // given back when the handler ends, whatever happens
	defer func() { release(unused) }()
	resp := uploadResponse{Files: []uploadedFile{}, Errors: []uploadError{}}
	for _, p := range parts {
		f, err := s.storeUpload(r.Context(), p, u.Name)
		switch code := shoot.ErrorCode(err); {
		case err == nil:
			unused -= f.Size
			resp.Files = append(resp.Files, f)
		case code == shoot.EINVALID || code == shoot.ETOOLARGE:
			resp.Errors = append(resp.Errors, uploadError{OriginalName: p.name, Error: shoot.ErrorMessage(err)})
		default:
			return err
		}
	}
	resp.Count = len(resp.Files)
	resp.Success = resp.Count > 0
	status := http.StatusOK
	if !resp.Success {
		resp.Error, resp.Code = allUploadsFailed(resp.Errors), shoot.EINVALID
		status = http.StatusBadRequest
	}
	writeJSON(w, status, resp)
	return nil
}

// allUploadsFailed is the error message of an upload none of whose files
// was stored: "All uploads failed: look.gif: not a JPEG, PNG, WebP or GIF
// image; big.jpg: File too large: the limit is 10 MB". A file the client
// sent without a name is called by its place in the request ("file 2").
func allUploadsFailed(errs []uploadError) string {
	reasons := make([]string, len(errs))
	for i, e := range errs {
		name := e.OriginalName
		if name == "" {
			name = fmt.Sprintf("file %d", i+1)
		}
		reasons[i] = name + ": " + strings.TrimSuffix(e.Error, ".")
	}
	return "All uploads failed: " + strings.Join(reasons, "; ")
}

// readUploadParts reads the "images" and "audio" files of a multipart
// request. Other fields are skipped. A file over the size limit is kept as a refusal
// without its data, so the client learns which one it was.
func readUploadParts(w http.ResponseWriter, r *http.Request) ([]uploadPart, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EINVALID, "Expected a multipart/form-data body with files in the field \"images\" or \"audio\"")
	}
	var parts []uploadPart
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bodyError(err)
		}
		field := part.FormName()
		if (field != "images" && field != "audio") || part.FileName() == "" {
			continue
		}
		if len(parts) == MaxUploadFiles {
			return nil, shoot.Errorf(shoot.EINVALID, "Too many files: at most %d per upload", MaxUploadFiles)
		}
		p, err := readUploadPart(part)
		if err != nil {
			return nil, err
		}
		p.audio = field == "audio"
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return nil, shoot.Errorf(shoot.EINVALID, "No files in the field \"images\" or \"audio\"")
	}
	return parts, nil
}

func readUploadPart(part *multipart.Part) (uploadPart, error) {
	data, err := io.ReadAll(io.LimitReader(part, MaxUploadFileBytes+1))
	if err != nil {
		return uploadPart{}, bodyError(err)
	}
	p := uploadPart{name: cleanOriginalName(part.FileName()), data: data}
	if len(data) > MaxUploadFileBytes {
		p.data, p.tooLarge = nil, true
	}
	return p, nil
}

// bodyError classifies a failure to read the request body.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return shoot.Wrap(err, shoot.ETOOLARGE,
			fmt.Sprintf("Upload is too large: at most %d files of %d MB", MaxUploadFiles, MaxUploadFileBytes>>20))
	}
	return shoot.Wrap(err, shoot.EINVALID, "Malformed multipart body")
}

// cleanOriginalName keeps the client's file name for display only: valid
// UTF-8, no control characters, at most maxOriginalName bytes.
func cleanOriginalName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	for len(name) > maxOriginalName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// storeUpload checks one file and stores it. EINVALID and ETOOLARGE errors
// are the file's fault; others are the server's.
func (s *Server) storeUpload(ctx context.Context, p uploadPart, owner string) (uploadedFile, error) {
	if p.tooLarge {
		return uploadedFile{}, shoot.Errorf(shoot.ETOOLARGE, "File too large: the limit is %d MB", MaxUploadFileBytes>>20)
	}
	if p.audio {
		u, err := pipeline.StoreAudio(ctx, s.store, s.bucket, p.name, p.data, owner)
		if err != nil {
			return uploadedFile{}, err
		}
		return uploadedFile{OriginalName: u.OriginalName, Filename: u.Filename, R2Key: u.Key,
			Size: u.Size, MimeType: u.MimeType, URL: "/" + u.Key}, nil
	}
	format, width, height, err := s.sniff(ctx, p.data)
	if err != nil {
		return uploadedFile{}, err
	}
	data, err := imaging.StripMetadata(p.data)
	if err != nil {
		return uploadedFile{}, err
	}
	u := &shoot.Upload{
		OriginalName: p.name, Size: int64(len(data)), MimeType: format.MimeType,
		Width: width, Height: height, Owner: owner, CreatedAt: time.Now().UTC(),
	}
	u.Filename = fmt.Sprintf("%d-%s.%s", u.CreatedAt.UnixMilli(), shoot.RandomToken(10), format.Ext)
	u.Key = "uploads/" + u.Filename
	opts := &blob.WriterOptions{ContentType: format.MimeType}
	if err := s.bucket.WriteAll(ctx, u.Key, data, opts); err != nil {
		return uploadedFile{}, shoot.Wrap(err, shoot.EUNAVAILABLE, "Storage unavailable.")
	}
	if err := s.store.CreateUpload(ctx, u); err != nil {
		s.bucket.Delete(context.WithoutCancel(ctx), u.Key)
		return uploadedFile{}, err
	}
	return uploadedFile{
		OriginalName: u.OriginalName, Filename: u.Filename, R2Key: u.Key,
		Size: u.Size, MimeType: u.MimeType, URL: "/" + u.Key,
	}, nil
}

// sniff runs imaging.Sniff when a decode slot is free, bounding the memory
// concurrent uploads can take.
func (s *Server) sniff(ctx context.Context, data []byte) (imaging.Format, int, int, error) {
	select {
	case s.decodeSlots <- struct{}{}:
	case <-ctx.Done():
		return imaging.Format{}, 0, 0, shoot.Wrap(ctx.Err(), shoot.EUNAVAILABLE, "Request cancelled.")
	}
	defer func() { <-s.decodeSlots }()
	return imaging.Sniff(data)
}
