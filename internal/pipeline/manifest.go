package pipeline

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Manifest describes a session's artifacts for `shoot run` and the export:
// each with the prompt, provider, model, seed, cost and duration behind it.
type Manifest struct {
	SessionID     string            `json:"sessionId"`
	Brief         string            `json:"brief"`
	Options       shoot.Options     `json:"options"`
	Status        string            `json:"status"`
	PipelineStage string            `json:"pipelineStage"`
	TotalCostUSD  float64           `json:"totalCostUsd"`
	CreatedAt     time.Time         `json:"createdAt"`
	Providers     map[string]string `json:"providers"`
	// ProviderRequests counts the requests (submits and polls) made to the
	// image and video providers for this shoot.
	ProviderRequests int             `json:"providerRequests"`
	Artifacts        []ManifestEntry `json:"artifacts"`
}

// ManifestEntry is one artifact of the manifest. Prompt, seed, cost and
// duration are always present, zero where they do not apply (a cropped
// frame has no prompt or seed), so readers need not guess.
type ManifestEntry struct {
	File       string  `json:"file"` // path in the output layout, e.g. frames/frame-3.png
	Key        string  `json:"key"`  // blob key of this version
	Type       string  `json:"type"`
	Index      int     `json:"index,omitempty"`
	Version    int     `json:"version"`
	Size       int64   `json:"size"`
	MimeType   string  `json:"mimeType"`
	Prompt     string  `json:"prompt"`
	Provider   string  `json:"provider,omitempty"`
	Model      string  `json:"model,omitempty"`
	Seed       int64   `json:"seed"`
	CostUSD    float64 `json:"costUsd"`
	DurationMS int64   `json:"durationMs"`
	Stale      bool    `json:"stale,omitempty"`
	// Confidence is, for a frame, how sure the grid detection was of its
	// cell (0–1); GridMismatch holds the grid asked for and the one the
	// sheet showed when they differ.
	Confidence   *float64       `json:"confidence,omitempty"`
	GridMismatch map[string]int `json:"gridMismatch,omitempty"`
	// Width and Height are the artifact's pixel size, where known.
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
	// Details are the provider's own facts (the studio's previz layout).
	Details json.RawMessage `json:"details,omitempty"`
	// QA is the picture check's report (QAReport) on a hero, contact sheet
	// or frame; absent where no check ran.
	QA json.RawMessage `json:"qa,omitempty"`
}

// Manifest returns the newest version of every generated artifact.
func (e *Engine) Manifest(ctx context.Context, sid string) (*Manifest, error) {
	s, err := e.store.GetSession(ctx, sid)
	if err != nil {
		return nil, err
	}
	as, err := e.store.LatestAssets(ctx, sid)
	if err != nil {
		return nil, err
	}
	img, vid, dir := e.Providers()
	m := &Manifest{SessionID: s.ID, Brief: s.Brief, Options: s.Options, Status: s.Status, PipelineStage: s.PipelineStage,
		TotalCostUSD: s.TotalCostUSD, CreatedAt: s.CreatedAt,
		Providers: map[string]string{"image": img, "video": vid, "director": dir}, ProviderRequests: readMeta(s).Requests}
	for _, a := range as {
		if a.Type == shoot.AssetInput {
			continue
		}
		meta := assetMeta(a)
		entry := ManifestEntry{File: shoot.OutputName(a.Type, a.Index), Key: a.Key, Type: a.Type,
			Index: a.Index, Version: a.Version, Size: a.Size, MimeType: a.MimeType, Prompt: meta.Prompt,
			Provider: meta.Provider, Model: meta.Model, Seed: meta.Seed, CostUSD: meta.CostUSD,
			DurationMS: meta.DurationMS, Stale: a.Stale, Width: meta.Width, Height: meta.Height, Details: meta.Details, QA: meta.QA}
		if a.Type == shoot.AssetFrame {
			entry.Confidence, entry.GridMismatch = frameFacts(meta, a.Index)
		}
		m.Artifacts = append(m.Artifacts, entry)
	}
	return m, nil
}
