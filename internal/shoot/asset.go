package shoot

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/fashionshoot/shoot/internal/reframe"
)

// AssetType is the kind of a stored artifact. Its values are the Asset*
// constants: the values the database's CHECK constraint allows.
type AssetType string

// Asset types.
const (
	AssetInput        = "input"
	AssetHero         = "hero"
	AssetContactSheet = "contact-sheet"
	AssetFrame        = "frame"
	AssetClip         = "clip"
	AssetFinal        = "final"
)

// Valid reports whether t is one of the asset types.
func (t AssetType) Valid() bool {
	return oneOf(t, AssetInput, AssetHero, AssetContactSheet, AssetFrame, AssetClip, AssetFinal)
}

// Asset is one stored artifact. Frames and clips carry their number in Index
// (1-based); singletons have Index 0. Every regeneration adds a new Version;
// older versions stay stored.
type Asset struct {
	ID        int64           `json:"id"`
	SessionID string          `json:"session_id"`
	Type      string          `json:"asset_type"`
	Index     int             `json:"asset_index"`
	Version   int             `json:"version"`
	FileName  string          `json:"file_name"`
	Key       string          `json:"r2_key"`
	Size      int64           `json:"file_size"`
	MimeType  string          `json:"mime_type"`
	CreatedAt time.Time       `json:"created_at"`
	Metadata  json.RawMessage `json:"metadata,omitempty"`
	// Stale marks an asset whose inputs have changed since it was made.
	Stale bool `json:"stale"`
}

// AssetMeta is what Asset.Metadata holds for generated artifacts: where it
// came from, for the manifest and the export.
type AssetMeta struct {
	Prompt     string  `json:"prompt,omitempty"`
	Provider   string  `json:"provider,omitempty"`
	Model      string  `json:"model,omitempty"`
	Seed       int64   `json:"seed,omitempty"`
	CostUSD    float64 `json:"costUsd,omitempty"`
	DurationMS int64   `json:"durationMs,omitempty"`
	Width      int     `json:"width,omitempty"`
	Height     int     `json:"height,omitempty"`
	// Inputs are the asset keys this one was made from (dependency tracking).
	Inputs []string `json:"inputs,omitempty"`
	// Grid holds the detected crop rectangles for a contact sheet.
	Grid json.RawMessage `json:"grid,omitempty"`
	// Details are the provider's own facts about the artifact (for the
	// offline studio: how each reference was used in the previz).
	Details json.RawMessage `json:"details,omitempty"`
	// QA is the picture check's verdict on this artifact (the pipeline's
	// QAReport), absent when no check ran.
	QA json.RawMessage `json:"qa,omitempty"`
}

// AssetKey returns the blob key of an artifact in the studio's layout under
// outputs/<sessionId>/. Version 1 has the plain name; later versions
// insert ".v<N>" before the extension, so no stored file is ever overwritten.
func AssetKey(sessionID, assetType string, index, version int) string {
	var name string
	switch assetType {
	case AssetHero:
		name = "hero.png"
	case AssetContactSheet:
		name = "contact-sheet.png"
	case AssetFrame:
		name = fmt.Sprintf("frames/frame-%d.png", index)
	case AssetClip:
		name = fmt.Sprintf("videos/video-%d.mp4", index)
	case AssetFinal:
		name = "final/fashion-video.mp4"
		if index > 0 && index <= len(reframe.Formats) {
			name = fmt.Sprintf("final/%s/fashion-video.mp4", reframe.Formats[index-1].Dir())
		}
		if f, k := index/10, index%10; f > 0 && f <= len(reframe.Formats) && k > 0 && k <= len(PosterFiles) {
			name = fmt.Sprintf("final/%s/%s", reframe.Formats[f-1].Dir(), PosterFiles[k-1])
		}
	default:
		name = fmt.Sprintf("%s-%d.bin", assetType, index)
	}
	if version > 1 {
		ext := path.Ext(name)
		name = fmt.Sprintf("%s.v%d%s", strings.TrimSuffix(name, ext), version, ext)
	}
	return "outputs/" + sessionID + "/" + name
}

// OutputName returns the artifact's path relative to the session folder in the
// studio's layout, without any version suffix (e.g. "frames/frame-3.png").
func OutputName(assetType string, index int) string {
	return strings.TrimPrefix(AssetKey("x", assetType, index, 1), "outputs/x/")
}

// PosterFiles are a delivery format's stills, in the order of their
// final-asset index: format f's poster k (1-based) is final asset 10·f+k,
// next to its film final/<format>/fashion-video.mp4.
var PosterFiles = []string{"poster.jpg", "poster.webp", "preview.webp"}
