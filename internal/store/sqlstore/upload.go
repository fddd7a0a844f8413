package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// CreateUpload records a stored reference image. A taken filename is
// ECONFLICT.
func (s *Store) CreateUpload(ctx context.Context, u *shoot.Upload) error {
	if err := store.CheckUpload(u); err != nil {
		return err
	}
	_, err := s.c().exec(ctx, `INSERT INTO uploads
		(filename, r2_key, original_name, file_size, mime_type, width, height, owner, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.Filename, u.Key, u.OriginalName, u.Size, u.MimeType, u.Width, u.Height, u.Owner,
		s.Time(u.CreatedAt))
	if shoot.ErrorCode(s.Err(err, "")) == shoot.ECONFLICT {
		return shoot.Wrap(err, shoot.ECONFLICT, "Upload already exists.")
	}
	return s.Err(err, "insert upload")
}

// GetUpload returns the upload with filename, or ENOTFOUND.
func (s *Store) GetUpload(ctx context.Context, filename string) (*shoot.Upload, error) {
	var u shoot.Upload
	err := s.c().row(ctx, `SELECT filename, r2_key, original_name, file_size,
		mime_type, width, height, owner, created_at FROM uploads WHERE filename = $1`, filename).
		Scan(&u.Filename, &u.Key, &u.OriginalName, &u.Size, &u.MimeType, &u.Width, &u.Height,
			&u.Owner, scanTime(&u.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.NotFound("Upload")
	}
	if err != nil {
		return nil, s.Err(err, "read upload")
	}
	return &u, nil
}
