// Package mcpserver is the studio's Model Context Protocol server: tools to
// start, follow and answer shoots, resources for each session's assets, and
// progress notifications while a stage runs. It is built on the official Go
// SDK (github.com/modelcontextprotocol/go-sdk) and drives the studio only
// through its HTTP API (the client package), so a tool call meets exactly
// the validation, access control, limits and error codes an API call does,
// whether the API runs in this process or on another machine.
package mcpserver

import (
	"log/slog"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/fashionshoot/shoot/client"
)

// Backend returns the API client one MCP request uses. extra carries the
// HTTP headers of the request when MCP runs over HTTP (nil over stdio).
type Backend func(extra *mcp.RequestExtra) *client.Client

// Options configure a Server.
type Options struct {
	// Backend is required.
	Backend Backend
	// AllowFiles lets start_shoot read references from local file paths.
	// Only the stdio server, which runs as the user on the user's machine,
	// sets it; over HTTP a path would read the studio's disk.
	AllowFiles bool
	// Version is reported in the server's implementation info.
	Version string
	// Logger receives the SDK's diagnostics; nil discards.
	Logger *slog.Logger
}

// New returns an MCP server with the studio's tools and resource template.
func New(o Options) *mcp.Server {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	version := o.Version
	if version == "" {
		version = "dev"
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "shoot", Title: "shoot fashion-shoot studio", Version: version},
		&mcp.ServerOptions{Logger: logger, Instructions: instructions})
	t := &tools{backend: o.Backend, allowFiles: o.AllowFiles}
	t.register(s)
	s.AddResourceTemplate(&mcp.ResourceTemplate{
		Name:        "session-asset",
		Title:       "An asset of a shoot",
		Description: "The latest version of one file a session made (hero, contact sheet, frames, clips, film), by the fileName get_assets lists.",
		URITemplate: assetTemplate,
	}, t.readAsset)
	return s
}

const instructions = `This server runs fashion shoots: from a brief and reference pictures the studio makes a hero image, ` +
	`a contact sheet, frames, clips and finally a film. A shoot stops at four checkpoints (hero, contact-sheet, frames, ` +
	`clips) and waits for an answer: call answer_checkpoint with "continue" to go on, or with a change ` +
	`("regenerate frame 3", "warmer light"). Call estimate first to see the price; start_shoot with ` +
	`options.autoApprove runs through every checkpoint unattended.`
