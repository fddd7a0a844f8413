package kling

import (
	"net/http"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/httpx"
	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestClassifyBusyAnswers(t *testing.T) {
	t.Parallel()
	now := time.Now()
	cases := []struct {
		status    int
		body      string
		transient bool
		code      string // shoot code of answerError when not transient
	}{
		{429, `{"code":1302,"message":"too fast"}`, true, ""},
		{429, `{"code":1303,"message":"parallel task over resource pack limit"}`, true, ""},
		{429, `not json`, true, ""},
		{200, `{"code":1303,"message":"busy"}`, true, ""},
		{503, `{"code":5001}`, true, ""},
		{429, `{"code":1102,"message":"Resource pack depleted"}`, false, shoot.ELIMIT},
		{429, `{"code":1304,"message":"IP whitelist"}`, false, shoot.EUNAUTHORIZED},
		{403, `{"code":1103,"message":"no access"}`, false, shoot.EUNAUTHORIZED},
		{400, `{"code":1301,"message":"content security"}`, false, shoot.EINVALID},
		{404, `{"code":1203,"message":"not found"}`, false, shoot.ENOTFOUND},
	}
	for _, tc := range cases {
		r := &httpx.Response{Status: tc.status, Header: http.Header{}, Body: []byte(tc.body)}
		err := classify(r, now)
		if (err != nil) != tc.transient {
			t.Errorf("%d %s: transient=%v", tc.status, tc.body, err != nil)
			continue
		}
		if !tc.transient {
			e, _ := parseEnvelope(r.Body)
			if got := shoot.ErrorCode(answerError("create", r, e)); got != tc.code {
				t.Errorf("%d %s: code %s, want %s", tc.status, tc.body, got, tc.code)
			}
		}
	}
}

func TestPriceOf(t *testing.T) {
	t.Parallel()
	v := NewVideos(Options{Mode: "std", Prices: map[string]float64{"kling-v2-6/std": 0.05}})
	if got := v.PriceOf(10); got != 0.5 {
		t.Fatalf("override: %v", got)
	}
	if got := NewVideos(Options{Model: "kling-v3"}).PriceOf(5); got < 0.559 || got > 0.561 {
		t.Fatalf("v3 pro 5 s: %v", got)
	}
}
