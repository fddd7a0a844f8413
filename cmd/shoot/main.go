// Command shoot is the fashion-shoot studio: one binary that serves the API
// and web studio, runs workers, and offers each pipeline stage as a tool.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what a subcommand gets from the outside world. Tests build their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand, in the order `shoot --help` shows them.
func commands() []command {
	return []command{
		{"version", "print the version", cmdVersion},
		{"frames", "crop a contact sheet into frames", cmdFrames},
		{"resize", "centre-crop a folder of frames to an aspect ratio", cmdResize},
		{"serve", "run the studio: HTTP API and web UI", cmdServe},
		{"token", "create, list and revoke API tokens", cmdToken},
		{"worker", "work stage jobs only, sharing the queue with other processes", cmdWorker},
		{"run", "run a whole shoot from the terminal", cmdRun},
		{"migrate", "apply the database migrations and exit", cmdMigrate},
		{"stitch", "ramp clips with a speed curve and join them into one film", cmdStitch},
		{"easings", "list the speed curves, or plot one as SVG", cmdEasings},
	}
}

// usageError is a bad command line or configuration value: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// run is main without the process: it parses args, runs one subcommand and
// returns the exit code (0 ok, 1 failure, 2 usage or configuration error).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, &env{getenv: getenv, stdin: os.Stdin, stdout: stdout, stderr: stderr})
}

func runWith(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		return exitCode(e.stderr, c.name, err)
	}
	fmt.Fprintf(e.stderr, "shoot: unknown command %q (see shoot --help)\n", args[0])
	return 2
}

func exitCode(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "shoot %s: %v\n", name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "shoot %s: %v\n", name, err)
		return 1
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "shoot — an AI fashion-shoot studio in one binary")
	fmt.Fprintln(w, "\nUsage: shoot <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `shoot <command> --help` for a command's flags.")
}

// newFlagSet returns a flag set that reports errors instead of exiting and
// prints its usage to e.stdout on --help.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("shoot "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fs.SetOutput(e.stdout)
		fmt.Fprintf(e.stdout, "Usage: shoot %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
	}
	return fs
}

// parseFlags parses args into fs; a bad flag is a usage error (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
