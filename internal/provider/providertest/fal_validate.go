package providertest

import (
	"fmt"
	"slices"
	"strings"
)

// fieldError is one entry of a pydantic-style 422 body.
type fieldError struct {
	loc []any
	msg string
	typ string
}

// detailList renders FAL's validation body: {"detail": [{loc, msg, type}]}.
func detailList(errs ...fieldError) map[string]any {
	list := make([]any, len(errs))
	for i, e := range errs {
		list[i] = map[string]any{"loc": e.loc, "msg": e.msg, "type": e.typ}
	}
	return map[string]any{"detail": list}
}

var (
	falAspects     = []string{"auto", "21:9", "16:9", "3:2", "4:3", "5:4", "1:1", "4:5", "3:4", "2:3", "9:16"}
	falResolutions = []string{"1K", "2K", "4K"}
	falFormats     = []string{"jpeg", "png", "webp"}
	falDurations   = []string{"5", "10"}
)

// validate checks a submission against the endpoint's input schema.
// Called with f.mu held (it reads the uploads).
func (f *FAL) validate(endpoint string, in map[string]any) []fieldError {
	if isVideoEndpoint(endpoint) {
		return f.validateVideo(in)
	}
	errs := requireString(in, "prompt")
	errs = append(errs, oneOf(in, "aspect_ratio", falAspects)...)
	errs = append(errs, oneOf(in, "resolution", falResolutions)...)
	errs = append(errs, oneOf(in, "output_format", falFormats)...)
	if n, ok := in["num_images"]; ok {
		if v, isNum := n.(float64); !isNum || v < 1 || v > 4 || v != float64(int(v)) {
			errs = append(errs, fieldError{[]any{"body", "num_images"}, "Input should be an integer between 1 and 4", "int_range"})
		}
	}
	if strings.HasSuffix(endpoint, "/edit") {
		errs = append(errs, f.imageURLs(in)...)
	}
	return errs
}

func (f *FAL) validateVideo(in map[string]any) []fieldError {
	errs := requireString(in, "prompt")
	errs = append(errs, oneOf(in, "duration", falDurations)...)
	start, _ := in[f.opts.StartField].(string)
	if start == "" {
		errs = append(errs, fieldError{[]any{"body", f.opts.StartField}, "Field required", "missing"})
	} else if !f.uploaded(start) {
		errs = append(errs, downloadError(f.opts.StartField))
	}
	if end, ok := in[f.opts.EndField].(string); ok && !f.uploaded(end) {
		errs = append(errs, downloadError(f.opts.EndField))
	}
	return errs
}

// imageURLs checks the edit endpoint's image_urls: present, and each one a
// file the fake's storage holds (FAL downloads inputs before running).
func (f *FAL) imageURLs(in map[string]any) []fieldError {
	list, ok := in["image_urls"].([]any)
	if !ok || len(list) == 0 {
		return []fieldError{{[]any{"body", "image_urls"}, "Field required", "missing"}}
	}
	var errs []fieldError
	for i, v := range list {
		if s, _ := v.(string); !f.uploaded(s) {
			errs = append(errs, fieldError{[]any{"body", "image_urls", i}, "Failed to download the file. Please check if the URL is accessible.", "file_download_error"})
		}
	}
	return errs
}

func downloadError(field string) fieldError {
	return fieldError{[]any{"body", field}, "Failed to download the file. Please check if the URL is accessible.", "file_download_error"}
}

func requireString(in map[string]any, field string) []fieldError {
	if s, ok := in[field].(string); !ok || strings.TrimSpace(s) == "" {
		return []fieldError{{[]any{"body", field}, "Field required", "missing"}}
	}
	return nil
}

// oneOf checks an optional enum field.
func oneOf(in map[string]any, field string, allowed []string) []fieldError {
	v, present := in[field]
	if !present {
		return nil
	}
	if s, ok := v.(string); ok && slices.Contains(allowed, s) {
		return nil
	}
	quoted := make([]string, len(allowed))
	for i, a := range allowed {
		quoted[i] = "'" + a + "'"
	}
	msg := fmt.Sprintf("Input should be %s", strings.Join(quoted, ", "))
	return []fieldError{{[]any{"body", field}, msg, "literal_error"}}
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

func containsColon(s string) bool { return strings.Contains(s, ":") }
