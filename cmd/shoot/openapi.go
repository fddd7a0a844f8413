package main

import (
	"github.com/spf13/cobra"

	"github.com/fashionshoot/shoot/internal/httpapi"
)

// newOpenAPICmd is `shoot openapi`: print the OpenAPI 3.1 document of the
// studio's HTTP API (the one served at /api/openapi.json).
func newOpenAPICmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "openapi",
		Short: "print the OpenAPI 3.1 document of the HTTP API",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := e.stdout.Write(httpapi.OpenAPI())
			return err
		},
	}
}
