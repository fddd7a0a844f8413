package mcpserver

import (
	"bytes"
	"context"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// maxResourceBytes bounds one resource read: the content travels base64
// encoded in one JSON-RPC message.
const maxResourceBytes = 64 << 20

// readAsset answers resources/read of shoot://sessions/{id}/assets/{name}
// with the latest version of that file.
func (t *tools) readAsset(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	sid, name, ok := parseAssetURI(uri)
	if !ok || checkID(sid) != nil {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	c := t.backend(req.Extra)
	a, err := c.Assets(ctx, sid)
	if err != nil {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	for _, f := range flatten(sid, a) {
		if f.FileName != name {
			continue
		}
		if f.Size > maxResourceBytes {
			return nil, &tooLarge{uri: uri}
		}
		var b bytes.Buffer
		if err := c.Download(ctx, f.URL, &b); err != nil {
			return nil, apiError(err)
		}
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: f.MimeType, Blob: b.Bytes()}}}, nil
	}
	return nil, mcp.ResourceNotFoundError(uri)
}

// parseAssetURI splits shoot://sessions/<id>/assets/<name>.
func parseAssetURI(uri string) (sid, name string, ok bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "shoot" || u.Host != "sessions" {
		return "", "", false
	}
	parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	if len(parts) != 3 || parts[1] != "assets" {
		return "", "", false
	}
	sid, err1 := url.PathUnescape(parts[0])
	name, err2 := url.PathUnescape(parts[2])
	return sid, name, err1 == nil && err2 == nil && name != ""
}

type tooLarge struct{ uri string }

func (e *tooLarge) Error() string {
	return e.uri + " is larger than 64 MiB; download it from its URL instead"
}
