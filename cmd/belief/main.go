package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Command is one sub-command of belief. Each lives in a file of its own.
type Command struct {
	// Name is the command's name, as typed after "belief".
	Name string
	// UsageLine is the one-line synopsis, without "belief ".
	UsageLine string
	// Short is a one-line description shown by "belief help".
	Short string
	// Long is the description shown by "belief <name> -h".
	Long string
	// Flags holds the command's flags; Run sees them parsed.
	Flags *flag.FlagSet
	// Run runs the command on the arguments left after the flags.
	Run func(cmd *Command, args []string) error
}

// commands lists every command; each file adds its own in an init function.
var commands = map[string]*Command{}

func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("belief: duplicate command " + c.Name)
	}
	c.Flags.Usage = func() { c.usage(c.Flags.Output()) }
	commands[c.Name] = c
}

func (c *Command) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: belief %s\n\n%s\n", c.UsageLine, strings.TrimSpace(c.Long))
	fmt.Fprintf(w, "\nflags:\n")
	c.Flags.SetOutput(w)
	c.Flags.PrintDefaults()
}

// usageError is an error in the way a command was called; main prints it
// with a pointer to -h and exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

func mainUsage(w io.Writer) {
	fmt.Fprintf(w, "belief trains and studies deep generative models: RBMs, sigmoid belief nets, deep belief nets.\n\n")
	fmt.Fprintf(w, "usage: belief <command> [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].Short)
	}
	fmt.Fprintf(w, "\nRun \"belief <command> -h\" for a command's flags.\n")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// stdout is where commands write their results; tests replace it.
var stdout io.Writer = os.Stdout

func run(args []string, out, errw io.Writer) int {
	stdout = out
	if len(args) == 0 {
		mainUsage(errw)
		return 2
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				c.usage(out)
				return 0
			}
		}
		mainUsage(out)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(errw, "belief: unknown command %q\n\n", name)
		mainUsage(errw)
		return 2
	}
	c.Flags.SetOutput(errw)
	if err := c.Flags.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := c.Run(c, c.Flags.Args()); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(errw, "belief %s: %v\nRun \"belief %s -h\" for usage.\n", c.Name, err, c.Name)
			return 2
		}
		fmt.Fprintf(errw, "belief %s: %v\n", c.Name, err)
		return 1
	}
	return 0
}
