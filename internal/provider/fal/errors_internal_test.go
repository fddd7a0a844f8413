package fal

import "testing"

func TestDetailMessages(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{"detail":"No user found for Key ID and Secret"}`:                                            "No user found for Key ID and Secret",
		`{"detail":[{"loc":["body","aspect_ratio"],"msg":"Input should be '1:1'","type":"literal"}]}`: "aspect_ratio: Input should be '1:1'",
		`{"detail":[{"loc":["body","image_urls",1],"msg":"bad"},{"loc":["body"],"msg":"worse"}]}`:     "image_urls.1: bad; worse",
		`{"status":"ALREADY_COMPLETED"}`:                                                              "ALREADY_COMPLETED",
		`upstream connect error`:                                                                      "upstream connect error",
		``:                                                                                            "no details given",
	}
	for body, want := range cases {
		if got := detail([]byte(body)); got != want {
			t.Errorf("detail(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestFrameFieldsFollowTheEndpoint(t *testing.T) {
	t.Parallel()
	cases := map[string][2]string{
		"fal-ai/kling-video/v2.6/pro/image-to-video":       {"start_image_url", "end_image_url"},
		"fal-ai/kling-video/v3/pro/image-to-video":         {"start_image_url", "end_image_url"},
		"fal-ai/kling-video/v2.5-turbo/pro/image-to-video": {"image_url", "tail_image_url"},
		"fal-ai/kling-video/v1.6/standard/image-to-video":  {"image_url", "tail_image_url"},
		"fal-ai/kling-video/v2.1/pro/image-to-video":       {"image_url", "tail_image_url"},
	}
	for endpoint, want := range cases {
		if s, e := frameFields(endpoint); s != want[0] || e != want[1] {
			t.Errorf("frameFields(%s) = %s, %s", endpoint, s, e)
		}
	}
	o := Options{VideoModel: "fal-ai/kling-video/v2.1/pro/image-to-video", EndImageField: "last_frame"}.withDefaults()
	if o.StartImageField != "image_url" || o.EndImageField != "last_frame" {
		t.Errorf("explicit field names must win: %+v", o)
	}
}
