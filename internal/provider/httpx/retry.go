// Package httpx holds the HTTP plumbing the provider clients share: a
// caller that retries transient failures (network errors, 5xx, 429 and the
// services' own "busy" answers) inside one bounded call with the studio's
// one retry policy (internal/retry), and a size-limited downloader.
//
// It knows nothing about any one service: each client decides which answers
// are transient by handing the caller a classifier.
package httpx

import (
	"github.com/fashionshoot/shoot/internal/retry"
)

// Policy is retry.Policy, named here for the provider clients.
type Policy = retry.Policy

// TransientError is retry.TransientError.
type TransientError = retry.TransientError

// DefaultPolicy is retry.DefaultPolicy.
func DefaultPolicy() Policy { return retry.DefaultPolicy() }

// IsTransient is retry.IsTransient.
func IsTransient(err error) bool { return retry.IsTransient(err) }
