package main

import (
	"bufio"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

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

// cmdResize centre-crops every image in a directory to one aspect ratio,
// scaling up any that would fall under 300 px a side (Kling's minimum).
func cmdResize(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "resize", "--in DIR --aspect 9:16 [--out DIR]")
	in := fs.String("in", "", "directory of frames (png, jpg, jpeg, webp), processed in name order")
	aspect := fs.String("aspect", "", "target aspect: "+strings.Join(imaging.Aspects(), ", "))
	out := fs.String("out", "", "output directory (default: rewrite the files in place)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return usagef("--in DIR is required")
	}
	if _, _, err := imaging.ParseAspect(*aspect); err != nil {
		return usagef("--aspect: %s", err.Error())
	}
	files, err := resizeInputs(*in)
	if err != nil {
		return err
	}
	dst := *out
	if dst == "" {
		dst = *in
	} else if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dst, err)
	}
	for _, name := range files {
		if err := resizeOne(ctx, e, filepath.Join(*in, name), filepath.Join(dst, name), *aspect); err != nil {
			return err
		}
	}
	return nil
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

func resizeOne(ctx context.Context, e *env, src, dst, aspect string) error {
	img, err := readImage(src)
	if err != nil {
		return err
	}
	out := imaging.CropToAspect(img, aspect)
	format, _ := resizeFormat(dst)
	if err := writeImage(ctx, dst, out, format); err != nil {
		return err
	}
	b, ob := img.Bounds(), out.Bounds()
	fmt.Fprintf(e.stdout, "%s  %d×%d → %d×%d\n", dst, b.Dx(), b.Dy(), ob.Dx(), ob.Dy())
	return nil
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
