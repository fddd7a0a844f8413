package main

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/internal/imaging"
)

// resizeFormat returns the format a file `shoot resize` picks up is
// rewritten in, from its extension: a file keeps its format and its name.
func resizeFormat(name string) (string, bool) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png":
		return "png", true
	case ".jpg", ".jpeg":
		return "jpeg", true
	case ".webp":
		return "webp", true
	}
	return "", false
}

// resizeReport is what `shoot resize --json` prints.
type resizeReport struct {
	Aspect string        `json:"aspect"`
	Files  []resizedFile `json:"files"`
}

// resizedFile is one image rewritten by resize: where, and its size before
// and after.
type resizedFile struct {
	File       string `json:"file"`
	FromWidth  int    `json:"fromWidth"`
	FromHeight int    `json:"fromHeight"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
}

// newResizeCmd is `shoot resize`: it centre-crops every image in a folder
// to one aspect ratio, scaling up any that would fall under 300 px a side
// (Kling's minimum).
func newResizeCmd(e *env) *cobra.Command {
	var in, aspect, out string
	var asJSON bool
	cmd := &cobra.Command{Use: "resize --in DIR --aspect 9:16", Short: "centre-crop a folder of frames to an aspect ratio", Args: noArgs}
	fs := cmd.Flags()
	fs.StringVar(&in, "in", "", "folder `DIR` of frames (png, jpg, jpeg, webp), processed in name order")
	fs.StringVar(&aspect, "aspect", "", "target aspect: "+strings.Join(imaging.Aspects(), ", "))
	fs.StringVar(&out, "out", "", "output folder `DIR` (default: rewrite the files in place)")
	bindJSON(fs, &asJSON, "every file with its size before and after")
	completeWords(cmd, "aspect", imaging.Aspects()...)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if in == "" {
			return usagef("--in DIR is required")
		}
		if _, _, err := imaging.ParseAspect(aspect); err != nil {
			return usagef("--aspect: %s", err.Error())
		}
		rep, err := resize(cmd.Context(), in, out, aspect)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e.stdout, rep)
		}
		for _, f := range rep.Files {
			fmt.Fprintf(e.stdout, "%s  %d×%d → %d×%d\n", f.File, f.FromWidth, f.FromHeight, f.Width, f.Height)
		}
		return nil
	}
	return cmd
}

// resize crops every image of in into out (in itself when out is "").
func resize(ctx context.Context, in, out, aspect string) (*resizeReport, error) {
	files, err := resizeInputs(in)
	if err != nil {
		return nil, err
	}
	dst := out
	if dst == "" {
		dst = in
	} else if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", dst, err)
	}
	rep := &resizeReport{Aspect: aspect, Files: []resizedFile{}}
	for _, name := range files {
		f, err := resizeOne(ctx, filepath.Join(in, name), filepath.Join(dst, name), aspect)
		if err != nil {
			return nil, err
		}
		rep.Files = append(rep.Files, f)
	}
	return rep, nil
}

// resizeInputs lists the image files of dir, sorted by name.
func resizeInputs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir) // sorted by file name
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", dir, err)
	}
	var files []string
	for _, en := range entries {
		if _, ok := resizeFormat(en.Name()); ok && en.Type().IsRegular() {
			files = append(files, en.Name())
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no png, jpg, jpeg or webp files in %s", dir)
	}
	return files, nil
}

func resizeOne(ctx context.Context, src, dst, aspect string) (resizedFile, error) {
	img, err := readImage(src)
	if err != nil {
		return resizedFile{}, err
	}
	out := imaging.CropToAspect(img, aspect)
	format, _ := resizeFormat(dst)
	if err := writeImage(ctx, dst, out, format); err != nil {
		return resizedFile{}, err
	}
	b, ob := img.Bounds(), out.Bounds()
	return resizedFile{File: dst, FromWidth: b.Dx(), FromHeight: b.Dy(), Width: ob.Dx(), Height: ob.Dy()}, nil
}

// readImage decodes the image file at path.
func readImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	defer f.Close()
	img, _, err := imaging.Decode(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// writeImage encodes img to path through a temporary file in the same
// directory and a rename, so a reader (or an in-place resize that fails
// half way) never sees a half-written image.
func writeImage(ctx context.Context, path string, img image.Image, format string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	w := bufio.NewWriter(tmp)
	if format == "webp" {
		err = imaging.EncodeWebP(ctx, w, img)
	} else {
		err = imaging.Encode(w, img, format)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
