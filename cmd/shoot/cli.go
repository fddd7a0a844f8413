package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Command groups of `shoot --help`, in the order a user needs them.
const (
	groupStudio = "studio"
	groupTools  = "tools"
	groupAdmin  = "admin"
)

// newRoot builds the whole command tree for one invocation. Every command
// is built in its own file (newServeCmd in serve.go, …) with its flags.
func newRoot(e *env, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:           "shoot",
		Short:         "shoot — an AI fashion-shoot studio in one binary",
		Version:       buildVersion(),
		Args:          cobra.ArbitraryArgs,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Unknown flags before an unknown command must not hide the
		// command's name: `shoot serv --addr x` suggests serve.
		FParseErrWhitelist: cobra.FParseErrWhitelist{UnknownFlags: true},
		RunE: func(cmd *cobra.Command, rest []string) error {
			if len(rest) == 0 {
				return usagef("unknown flag: %s", firstFlag(args))
			}
			return unknownCommand(cmd, rest[0])
		},
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetIn(e.stdin)
	root.SetVersionTemplate("shoot {{.Version}}\n")
	root.SetUsageTemplate(usageTemplate)
	root.SetFlagErrorFunc(flagError)
	root.AddGroup(
		&cobra.Group{ID: groupStudio, Title: "Studio:"},
		&cobra.Group{ID: groupTools, Title: "Tools (one pipeline stage by hand):"},
		&cobra.Group{ID: groupAdmin, Title: "Administration:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, c := range cmds {
			c.GroupID = group
			root.AddCommand(c)
		}
	}
	add(groupStudio, newServeCmd(e), newRunCmd(e), newWorkerCmd(e), newMCPCmd(e))
	add(groupTools, newFramesCmd(e), newResizeCmd(e), newStitchCmd(e), newEasingsCmd(e))
	add(groupAdmin, newMigrateCmd(e), newTokenCmd(e), newOpenAPICmd(e), newVersionCmd(e))
	root.SetHelpCommand(newHelpCmd(root))
	root.SetHelpCommandGroupID(groupAdmin)
	root.SetCompletionCommandGroupID(groupAdmin)
	root.Flags().BoolP("version", "v", false, "print the version")
	root.InitDefaultHelpCmd()
	root.InitDefaultHelpFlag()
	initCompletion(root)
	return root
}

// initCompletion adds `shoot completion bash|zsh|fish|powershell` now
// rather than when the command line runs, so help shows it in its group
// and its texts read like the other commands'.
func initCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	comp, _, err := root.Find([]string{"completion"})
	if err != nil || comp == root {
		return
	}
	comp.Short = "print a shell completion script: bash, zsh, fish or powershell"
	comp.Long = "Print the script that completes shoot's commands and flags in a shell.\n" +
		"Each shell's --help says where to load it from, e.g.\n\n" +
		"  source <(shoot completion bash)"
	comp.Args = cobra.ArbitraryArgs
	comp.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usagef("name a shell: bash, zsh, fish or powershell")
		}
		return unknownCommand(cmd, args[0])
	}
	for _, sh := range comp.Commands() {
		sh.Short = "print the completion script for " + sh.Name()
	}
}

// firstFlag is the first argument that looks like a flag.
func firstFlag(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return a
		}
	}
	return strings.Join(args, " ")
}

// runWith runs the command line on e and returns the exit code. Every
// error is printed here, once, as one line on stderr.
func runWith(ctx context.Context, args []string, e *env) int {
	raw := e.stderr
	gated := &gate{ctx: ctx, w: raw}
	ge := *e
	ge.stderr = gated
	root := newRoot(&ge, args)
	if len(args) == 0 {
		// A command is required: say so where errors go, with the list.
		root.SetOut(raw)
		_ = root.Help()
		return 2
	}
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		// A server's shutdown after its signal is worth logging.
		gated.setOpen(cmd.Annotations[annotationServer] == "yes")
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	name := "shoot"
	if cmd != nil {
		name = cmd.CommandPath()
	}
	if code, ok := interrupted(ctx, cmd, err); ok {
		if gated.unfinished() {
			fmt.Fprintln(raw) // after a prompt or a bar drawn with \r
		}
		fmt.Fprintf(raw, "%s: %s\n", name, interruptMessage(ctx, err))
		return code
	}
	return exitCode(raw, name, err)
}

// interrupted reports whether a signal ended the command, and the exit
// code for it: 128 + the signal's number. serve and worker treat a signal
// as their normal way to stop, so they exit as they would otherwise.
func interrupted(ctx context.Context, cmd *cobra.Command, err error) (int, bool) {
	if ctx.Err() == nil || cmd == nil || cmd.Annotations[annotationServer] == "yes" {
		return 0, false
	}
	var se signalError
	if errors.As(context.Cause(ctx), &se) {
		return 128 + int(se.sig), true
	}
	return 128 + int(syscall.SIGINT), true
}

// annotationServer marks commands whose normal end is a signal.
const annotationServer = "server"

// interruptMessage is the one line printed when a signal stopped a
// command; a command may add how to carry on (see resumeHint).
func interruptMessage(ctx context.Context, err error) string {
	msg := "interrupted"
	var se signalError
	if errors.As(context.Cause(ctx), &se) && se.sig == syscall.SIGTERM {
		msg = "terminated"
	}
	var h *resumeHint
	if errors.As(err, &h) {
		msg += "; " + h.hint
	}
	return msg
}

// resumeHint is returned by a command stopped by a signal that can be
// carried on later, with how.
type resumeHint struct{ hint string }

func (h *resumeHint) Error() string { return h.hint }

// gate passes writes through until ctx is done, then drops them: once the
// user pressed Ctrl-C, the winding down (cancelled jobs, closing stores)
// does not spill log lines over the terminal. midLine records whether the
// last line written is unfinished (a prompt, a bar); open keeps the gate
// open for good (servers log their shutdown).
type gate struct {
	ctx     context.Context
	w       io.Writer
	mu      sync.Mutex
	midLine bool
	open    bool
}

func (g *gate) setOpen(open bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = open
}

func (g *gate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx.Err() != nil && !g.open {
		return len(p), nil
	}
	if len(p) > 0 {
		g.midLine = p[len(p)-1] != '\n'
	}
	return g.w.Write(p)
}

// unfinished reports whether the last line written has no newline yet.
func (g *gate) unfinished() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.midLine
}

// usageError is a bad command line or configuration value: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func exitCode(stderr io.Writer, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %v\n", name, oneLine(err.Error()))
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", name, oneLine(err.Error()))
		return 1
	}
}

// oneLine folds a multi-line message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// flagError turns a flag parsing error into a usage error that names the
// flag, with a hint for the single-dash spelling of a long flag (-addr).
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if _, short, ok := strings.Cut(msg, " in -"); ok && len(short) > 1 {
		if cmd.Flags().Lookup(short) != nil {
			return usagef("unknown flag -%s: long flags take two dashes, --%s (see %s --help)", short, short, cmd.CommandPath())
		}
	}
	return usagef("%s (see %s --help)", msg, cmd.CommandPath())
}

// unknownCommand is the error for a mistyped command, with suggestions.
func unknownCommand(parent *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if parent.HasParent() {
		msg = fmt.Sprintf("unknown subcommand %q", name)
	}
	if parent.SuggestionsMinimumDistance <= 0 {
		parent.SuggestionsMinimumDistance = 2
	}
	if s := parent.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", s[0])
	}
	return usagef("%s (see %s --help)", msg, parent.CommandPath())
}

// noArgs refuses positional arguments, naming the first one.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

// newHelpCmd is `shoot help [command]`; an unknown topic is a usage error.
func newHelpCmd(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "show the help of a command",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			target, _, _ := root.Find(args)
			var names []string
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil {
				return usagef("%v", err)
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}

// bindJSON adds the --json flag of a command that reports something.
func bindJSON(fs *pflag.FlagSet, dst *bool, what string) {
	fs.BoolVar(dst, "json", false, "print "+what+" as JSON on stdout")
}
