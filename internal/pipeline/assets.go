package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"path"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// saveAsset writes an artifact to blob storage under its versioned key and
// records it. Re-running with the same version rewrites identical bytes
// and leaves one row: work is idempotent.
func (e *Engine) saveAsset(ctx context.Context, sid, typ string, index, version int, data []byte, mime string, meta shoot.AssetMeta) (*shoot.Asset, error) {
	key := shoot.AssetKey(sid, typ, index, version)
	if err := e.bucket.WriteAll(ctx, key, data, &blob.WriterOptions{ContentType: mime}); err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not store the artifact")
	}
	raw, _ := json.Marshal(meta) // AssetMeta always marshals
	a := &shoot.Asset{SessionID: sid, Type: typ, Index: index, Version: version,
		FileName: path.Base(key), Key: key, Size: int64(len(data)), MimeType: mime, Metadata: raw}
	if err := e.store.AddAsset(ctx, a); err != nil {
		return nil, e.orphaned(ctx, sid, key, err)
	}
	e.assetStored(ctx, a)
	return a, nil
}

// orphaned cleans up after a failed asset insert: when the session was
// deleted while the work ran, the file just written has no owner and
// would outlive the delete, so it is removed. err is returned either way.
func (e *Engine) orphaned(ctx context.Context, sid, key string, err error) error {
	ctx = context.WithoutCancel(ctx)
	if _, gerr := e.store.GetSession(ctx, sid); shoot.ErrorCode(gerr) != shoot.ENOTFOUND {
		return err
	}
	if derr := e.bucket.Delete(ctx, key); derr != nil && gcerrors.Code(derr) != gcerrors.NotFound {
		e.logger.Warn("removing an artifact of a deleted session failed", "session_id", sid, "key", key, "err", derr)
	}
	return shoot.Wrap(err, shoot.ENOTFOUND, "the session was deleted")
}

// saveStream is saveAsset for a file too large to hold twice in memory.
func (e *Engine) saveStream(ctx context.Context, sid, typ string, index, version int, r io.Reader, mime string, meta shoot.AssetMeta) (*shoot.Asset, error) {
	key := shoot.AssetKey(sid, typ, index, version)
	w, err := e.bucket.NewWriter(ctx, key, &blob.WriterOptions{ContentType: mime})
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not store the artifact")
	}
	n, err := io.Copy(w, r)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not store the artifact")
	}
	raw, _ := json.Marshal(meta)
	a := &shoot.Asset{SessionID: sid, Type: typ, Index: index, Version: version,
		FileName: path.Base(key), Key: key, Size: n, MimeType: mime, Metadata: raw}
	if err := e.store.AddAsset(ctx, a); err != nil {
		return nil, e.orphaned(ctx, sid, key, err)
	}
	e.assetStored(ctx, a)
	return a, nil
}

// recordCost puts a provider result's price in the ledger (once per key).
func (e *Engine) recordCost(ctx context.Context, sid, key string, art *shoot.Artifact) error {
	if art.CostUSD <= 0 && art.Units <= 0 {
		return nil
	}
	return e.store.AddCost(ctx, &shoot.Cost{SessionID: sid, Provider: art.Provider, Model: art.Model,
		Units: art.Units, Unit: art.Unit, USD: art.CostUSD, Ref: key})
}

// readBlob reads a stored artifact.
func (e *Engine) readBlob(ctx context.Context, key string) ([]byte, error) {
	b, err := e.bucket.ReadAll(ctx, key)
	if err != nil {
		return nil, shoot.Wrap(err, shoot.EUNAVAILABLE, "could not read "+path.Base(key))
	}
	return b, nil
}

// reference loads a stored asset as a provider reference.
func (e *Engine) reference(ctx context.Context, a *shoot.Asset) (shoot.Reference, error) {
	data, err := e.readBlob(ctx, a.Key)
	if err != nil {
		return shoot.Reference{}, err
	}
	return shoot.Reference{Name: path.Base(a.Key), ContentType: a.MimeType, Data: data}, nil
}

// references loads stored assets as provider references, in order.
func (e *Engine) references(ctx context.Context, assets ...*shoot.Asset) ([]shoot.Reference, error) {
	var refs []shoot.Reference
	for _, a := range assets {
		r, err := e.reference(ctx, a)
		if err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// inputRefs loads the session's reference images, in upload order, after
// the assets in first.
func (e *Engine) inputRefs(ctx context.Context, l slots, first ...*shoot.Asset) ([]shoot.Reference, error) {
	assets := first
	for i := 1; i <= 10; i++ {
		a := l.get(shoot.AssetInput, i)
		if a == nil {
			break
		}
		assets = append(assets, a)
	}
	return e.references(ctx, assets...)
}
