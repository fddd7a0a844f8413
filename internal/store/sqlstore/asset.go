package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const assetColumns = `id, session_id, asset_type, asset_index, version, file_name, r2_key,
	file_size, mime_type, created_at, metadata, stale`

// assetOrder sorts assets in pipeline order rather than by the type's name.
const assetOrder = `CASE asset_type WHEN 'input' THEN 0 WHEN 'hero' THEN 1
	WHEN 'contact-sheet' THEN 2 WHEN 'frame' THEN 3 WHEN 'clip' THEN 4 ELSE 5 END,
	asset_index, version`

// maxVersionAttempts bounds the retries of AddAsset when concurrent adders
// pick the same next version: each lost race means another adder won, so
// this is never reached without that many adders on one slot at once.
const maxVersionAttempts = 100

// AddAsset records an artifact. With Version 0 it becomes the next version of
// its (type, index) slot: the insert computes latest + 1 and, should a
// concurrent adder take that number first (PostgreSQL; SQLite runs one
// writer at a time), the unique constraint turns the insert into a no-op and
// it tries again. With a Version set, adding an existing row again changes
// nothing and loads the stored row into a.
func (s *Store) AddAsset(ctx context.Context, a *shoot.Asset) error {
	if err := store.CheckAsset(a); err != nil {
		return err
	}
	args := []any{a.SessionID, a.Type, a.Index, a.FileName, a.Key, a.Size,
		nullString(a.MimeType), s.Time(a.CreatedAt), nullJSON(a.Metadata), a.Stale}
	if a.Version != 0 {
		return s.Err(s.addVersion(ctx, a, append(args, a.Version)), "insert asset")
	}
	for range maxVersionAttempts {
		// The SELECT has a WHERE clause, so SQLite reads ON CONFLICT as the
		// upsert clause rather than a join constraint.
		err := s.c().row(ctx, `INSERT INTO session_assets (session_id, asset_type,
			asset_index, file_name, r2_key, file_size, mime_type, created_at, metadata, stale, version)
			SELECT $1::text, $2::text, $3::integer, $4::text, $5::text, $6::bigint, $7::text,
				$8::timestamptz, $9::jsonb, $10::boolean, COALESCE(MAX(version), 0) + 1
			FROM session_assets WHERE session_id = $1 AND asset_type = $2 AND asset_index = $3
			ON CONFLICT (session_id, asset_type, asset_index, version) DO NOTHING
			RETURNING `+assetColumns, args...).Scan(assetDest(a)...)
		if !errors.Is(err, sql.ErrNoRows) {
			return s.Err(err, "insert asset")
		}
	}
	return shoot.Errorf(shoot.EUNAVAILABLE, "Too many concurrent versions of one asset, retry.")
}

// addVersion inserts a row with a chosen version unless it exists, then
// reads the stored row back into a.
func (s *Store) addVersion(ctx context.Context, a *shoot.Asset, args []any) error {
	_, err := s.c().exec(ctx, `INSERT INTO session_assets (session_id, asset_type,
		asset_index, file_name, r2_key, file_size, mime_type, created_at, metadata, stale, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (session_id, asset_type, asset_index, version) DO NOTHING`, args...)
	if err != nil {
		return err
	}
	return s.c().row(ctx, `SELECT `+assetColumns+` FROM session_assets
		WHERE session_id = $1 AND asset_type = $2 AND asset_index = $3 AND version = $4`,
		a.SessionID, a.Type, a.Index, a.Version).Scan(assetDest(a)...)
}

// ListAssets returns every version of every asset of the session in
// pipeline order (input, hero, contact-sheet, frame, clip, final), then by
// index and version.
func (s *Store) ListAssets(ctx context.Context, sessionID string) ([]*shoot.Asset, error) {
	return list(ctx, s.c(), "assets", scanAsset, `SELECT `+assetColumns+` FROM session_assets
		WHERE session_id = $1 ORDER BY `+assetOrder, sessionID)
}

// LatestAssets returns the newest version of each (type, index) of the
// session, in the order of ListAssets.
func (s *Store) LatestAssets(ctx context.Context, sessionID string) ([]*shoot.Asset, error) {
	return list(ctx, s.c(), "assets", scanAsset, `SELECT `+assetColumns+` FROM session_assets a
		WHERE session_id = $1 AND version = (SELECT MAX(version) FROM session_assets b
			WHERE b.session_id = $1 AND b.asset_type = a.asset_type AND b.asset_index = a.asset_index)
		ORDER BY `+assetOrder, sessionID)
}

// SetAssetsStale marks the latest version of each referenced slot stale (or
// fresh), all in one transaction. Refs to slots with no asset are ignored.
func (s *Store) SetAssetsStale(ctx context.Context, sessionID string, refs []store.AssetRef, stale bool) error {
	if err := store.CheckAssetRefs(refs); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx conn) error {
		for _, r := range refs {
			_, err := tx.exec(ctx, `UPDATE session_assets SET stale = $1
				WHERE session_id = $2 AND asset_type = $3 AND asset_index = $4
				AND version = (SELECT MAX(version) FROM session_assets
					WHERE session_id = $2 AND asset_type = $3 AND asset_index = $4)`,
				stale, sessionID, r.Type, r.Index)
			if err != nil {
				return s.Err(err, "mark assets stale")
			}
		}
		return nil
	})
}

func scanAsset(row *sql.Rows) (*shoot.Asset, error) {
	a := new(shoot.Asset)
	return a, row.Scan(assetDest(a)...)
}

// assetDest returns scan destinations for assetColumns into a.
func assetDest(a *shoot.Asset) []any {
	return []any{&a.ID, &a.SessionID, &a.Type, &a.Index, &a.Version, &a.FileName, &a.Key,
		scanNullInt64(&a.Size), scanNullString(&a.MimeType), scanTime(&a.CreatedAt), scanRawJSON(&a.Metadata), &a.Stale}
}
