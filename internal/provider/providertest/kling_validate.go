package providertest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg" // Kling accepts JPEG frames
	_ "image/png"  // and PNG frames
	"slices"
	"strings"
	"unicode/utf8"
)

// Kling's documented frame limits.
const (
	klingMinSide   = 300
	klingMaxBytes  = 10 << 20
	klingMinAspect = 1 / 2.5
	klingMaxAspect = 2.5
	klingMaxPrompt = 2500
)

// validate checks a create body; it returns Kling's 1201 message or "".
func (k *Kling) validate(model string, in map[string]any) string {
	checks := []func() string{
		func() string { return k.checkModel(model) },
		func() string { return checkEnum(in, "mode", []string{"std", "pro"}) },
		func() string { return checkEnum(in, "duration", []string{"5", "10"}) },
		func() string { return checkText(in, "prompt") },
		func() string { return checkText(in, "negative_prompt") },
		func() string { return checkFrames(in) },
		func() string {
			if v, ok := in["callback_url"]; ok {
				if u, _ := v.(string); !validCallbackURL(u) {
					return "callback_url is invalid"
				}
			}
			return ""
		},
	}
	for _, c := range checks {
		if msg := c(); msg != "" {
			return msg
		}
	}
	return ""
}

func (k *Kling) checkModel(model string) string {
	if !slices.Contains(k.opts.Models, model) {
		return fmt.Sprintf("model_name is invalid: %s", model)
	}
	return ""
}

// checkEnum checks an optional string field; numbers are refused, as
// Kling takes duration as a string.
func checkEnum(in map[string]any, field string, allowed []string) string {
	v, ok := in[field]
	if !ok {
		return ""
	}
	if s, isStr := v.(string); isStr && slices.Contains(allowed, s) {
		return ""
	}
	return fmt.Sprintf("%s value is invalid, must be one of %s", field, strings.Join(allowed, ", "))
}

func checkText(in map[string]any, field string) string {
	v, ok := in[field]
	if !ok {
		return ""
	}
	s, isStr := v.(string)
	if !isStr || utf8.RuneCountInString(s) > klingMaxPrompt {
		return fmt.Sprintf("%s must be a string of at most %d characters", field, klingMaxPrompt)
	}
	return ""
}

// checkFrames enforces the start/end frame rules.
func checkFrames(in map[string]any) string {
	img, hasImage := in["image"].(string)
	_, hasTail := in["image_tail"]
	if !hasImage || img == "" {
		return "image is required"
	}
	if _, cam := in["camera_control"]; cam && hasTail {
		return "image_tail cannot be used together with camera_control"
	}
	if msg := checkFrame("image", img); msg != "" {
		return msg
	}
	if hasTail {
		tail, _ := in["image_tail"].(string)
		return checkFrame("image_tail", tail)
	}
	return ""
}

// checkFrame checks one frame given as a URL or raw base64.
func checkFrame(field, v string) string {
	if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
		return ""
	}
	if strings.HasPrefix(v, "data:") {
		return field + " base64 must not carry a prefix such as data:image/png;base64,"
	}
	data, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return field + " is neither a valid URL nor valid base64"
	}
	if len(data) > klingMaxBytes {
		return field + " is larger than 10MB"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return field + " format must be jpg, jpeg or png"
	}
	if cfg.Width < klingMinSide || cfg.Height < klingMinSide {
		return fmt.Sprintf("%s resolution %dx%d is below 300px", field, cfg.Width, cfg.Height)
	}
	if r := float64(cfg.Width) / float64(cfg.Height); r < klingMinAspect || r > klingMaxAspect {
		return fmt.Sprintf("%s aspect ratio %.2f is outside 1:2.5 to 2.5:1", field, r)
	}
	return ""
}
