// Command shoot is the fashion-shoot studio: one binary that serves the API
// and web studio, runs workers, and offers each pipeline stage as a tool.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() {
	// `shoot --help` lists commands in the order they are added: the order a
	// user needs them, not the alphabet.
	cobra.EnableCommandSorting = false
}

func main() {
	ctx, stop := notifyContext(context.Background())
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// notifyContext returns a context cancelled by the first SIGINT or SIGTERM,
// with the signal as its cause so the exit code can name it (130, 143).
// A second signal is left to the default handler: it ends the process.
func notifyContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(signalError{sig.(syscall.Signal)})
			signal.Stop(ch)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig syscall.Signal }

func (s signalError) Error() string { return s.sig.String() }

// env is what a subcommand gets from the outside world. Tests build their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// tty is whether stderr is a terminal that understands cursor movement:
	// progress bars redraw in place only then.
	tty bool
}

// run is main without the process: it parses args, runs one subcommand and
// returns the exit code (0 ok, 1 failure, 2 usage or configuration error,
// 128+signal when interrupted).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: os.Stdin, stdout: stdout, stderr: stderr, tty: isTerminal(stderr, getenv)}
	return runWith(ctx, args, e)
}

// isTerminal reports whether w is a terminal that can draw progress bars:
// a real terminal device (not a pipe or file) and TERM is not "dumb".
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	if !ok || getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}
