// Package shoot holds the domain of the fashion-shoot studio: sessions,
// stages, assets, checkpoints, events, provider requests and error codes.
//
// It does no I/O and imports only the standard library, so every other
// package can depend on it.
package shoot
