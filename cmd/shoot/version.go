package main

import (
	"context"
	"fmt"
	"runtime/debug"
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

func cmdVersion(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "shoot", buildVersion())
	return nil
}
