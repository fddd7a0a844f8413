package mcpserver

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/fashionshoot/shoot/client"
)

// validID is the API's session id syntax, checked here so a bad id is a
// clear tool error rather than a 404 of some other path.
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

func checkID(id string) error {
	if !validID.MatchString(id) {
		return errors.New("sessionId is missing or malformed")
	}
	return nil
}

// status reads where session sid is: its pipeline, the waiting
// checkpoint's assets and the film.
func status(ctx context.Context, c *client.Client, sid string) (Status, error) {
	p, err := c.Pipeline(ctx, sid)
	if err != nil {
		return Status{}, err
	}
	sess, err := c.Session(ctx, sid)
	if err != nil {
		return Status{}, err
	}
	a, err := c.Assets(ctx, sid)
	if err != nil {
		return Status{}, err
	}
	all := flatten(sid, a)
	s := Status{SessionID: sid, Stage: p.Stage, Status: p.Status, RunState: p.RunState,
		AwaitingInput: p.RunState == "awaiting", CostUSD: sess.TotalCostUSD}
	if sess.ErrorMessage != nil {
		s.Error = *sess.ErrorMessage
	}
	if cp := p.Checkpoint; cp != nil && s.AwaitingInput && cp.Status == "pending" {
		s.Checkpoint = &Checkpoint{Stage: cp.Stage, Message: cp.Message, Assets: byKeys(all, cp.ArtifactKeys)}
	}
	for _, f := range all {
		if f.Kind == "final" && strings.HasSuffix(f.FileName, ".mp4") && s.FilmURL == "" { // the film; delivery formats follow it
			s.FilmURL, s.FilmResource = f.URL, f.Resource
		}
	}
	return s, nil
}

// flatten lists a session's assets kind by kind, in the API's order.
func flatten(sid string, a *client.Assets) []Asset {
	out := []Asset{}
	for kind, list := range a.All() {
		for _, x := range list {
			out = append(out, Asset{Kind: kind, FileName: x.FileName, URL: x.URL, Resource: assetURI(sid, x.FileName),
				MimeType: x.MimeType, Size: x.Size, Version: x.Version})
		}
	}
	return out
}

// byKeys picks the assets whose storage keys a checkpoint names.
func byKeys(all []Asset, keys []string) []Asset {
	out := []Asset{}
	for _, k := range keys {
		for _, a := range all {
			if strings.TrimPrefix(a.URL, "/") == strings.TrimPrefix(k, "/") {
				out = append(out, a)
			}
		}
	}
	return out
}

// assetTemplate is the URI template of session assets.
const assetTemplate = "shoot://sessions/{id}/assets/{name}"

func assetURI(sid, name string) string {
	return "shoot://sessions/" + url.PathEscape(sid) + "/assets/" + url.PathEscape(name)
}
