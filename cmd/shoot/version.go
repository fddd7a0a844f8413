package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is the product version, set at link time with
// -ldflags "-X main.version=…"; otherwise read from the build info.
var version = ""

// buildVersion returns the version string shown by `shoot version` and /api/health.
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "0.1.0+" + s.Value[:12]
			}
		}
	}
	return "0.1.0-dev"
}

// versionReport is what `shoot version --json` prints.
type versionReport struct {
	Version string `json:"version"`
	Go      string `json:"go"`
}

// newVersionCmd is `shoot version`; `shoot --version` prints the same line.
func newVersionCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			if asJSON {
				return writeJSON(e.stdout, versionReport{Version: buildVersion(), Go: runtime.Version()})
			}
			fmt.Fprintln(e.stdout, "shoot", buildVersion())
			return nil
		},
	}
	bindJSON(cmd.Flags(), &asJSON, "the version")
	return cmd
}
