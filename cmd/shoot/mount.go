package main

import (
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/web"
)

// mountStudio adds to srv every route `shoot serve` answers beyond the
// API's built-in ones: generation, export, operations, MCP at /mcp and the web studio.
// It is the one place they are listed, so the OpenAPI coverage test sees
// exactly the table the served studio has.
func mountStudio(srv *httpapi.Server, eng *engine) {
	httpapi.RegisterPipeline(srv, eng.Engine)
	httpapi.RegisterExport(srv, eng.Engine)
	srv.Web = web.Handler()
	addOps(srv, eng)
	mountMCP(srv, nil)
}
