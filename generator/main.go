// Command generator builds a policy-guide website from a content folder.
//
//	go run ./generator build   # writes public/
//	go run ./generator serve   # preview with live reload
//	go run ./generator check   # validate everything, run all rule examples
//	go run ./generator eval    # JSON answers on stdin → JSON result on stdout
//	go run ./generator match   # a whole register (CSV/JSON Lines) against the rules
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/diag"
	"policyguide/generator/build"
	"policyguide/generator/serve"
)

const usage = `generator builds a policy-guide website from a content folder.

Usage:
  go run ./generator <command> [flags]

Commands:
  build   build the site into the output folder (replaced in one step)
  serve   build and preview the site with live reload
  check   validate all content and run every rule example; writes nothing
  eval    read a JSON object of answers on stdin, print the calculator's JSON result
  match   match every row of a register (CSV or JSON Lines) against the rules (免申即享)

Run "go run ./generator <command> --help" for the flags of a command.
Exit status: 0 success, 1 content errors, 2 usage errors.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	if cmd == "match" {
		return matchCmd(args, stdin, stdout, stderr)
	}
	fl := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	content := fl.String("content", "content", "content `folder`")
	date := fl.String("date", "", "reference `date` (YYYY-MM-DD) for expiry notices and the calculator; default today")
	var out *string
	var addr *string
	switch cmd {
	case "build":
		out = fl.String("out", "public", "output `folder`; replaced in one step")
	case "serve":
		addr = fl.String("addr", "localhost:1313", "listen `address`")
	case "check", "eval":
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	fl.Usage = func() {
		fmt.Fprintf(stderr, "Usage: go run ./generator %s [flags]\n\nFlags:\n", cmd)
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	opt := build.Options{Content: *content}
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			fmt.Fprintf(stderr, "bad --date %q: use YYYY-MM-DD\n", *date)
			return 2
		}
		opt.Date = d
	}

	switch cmd {
	case "build":
		opt.Out = *out
		start := time.Now()
		r, err := build.Build(opt)
		if err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "built %d files (%d measures) into %s in %v\n", len(r.Files), len(r.Site.Measures), opt.Out, time.Since(start).Round(time.Millisecond))
	case "check":
		opt.NoWasm = true
		r, err := build.Generate(opt)
		if err != nil {
			return fail(stderr, err)
		}
		n := 0
		if r.Program != nil {
			n = len(r.Program.Examples)
		}
		fmt.Fprintf(stdout, "ok: %d measures, %d pages, %d rule examples pass\n", len(r.Site.Measures), len(r.Files), n)
	case "eval":
		opt.NoWasm = true
		r, err := build.Generate(opt)
		if err != nil {
			return fail(stderr, err)
		}
		if r.Program == nil {
			fmt.Fprintln(stderr, "this site has no calculator rules")
			return 1
		}
		in, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		stdout.Write(calculator.Evaluate(r.Program, in))
		fmt.Fprintln(stdout)
	case "serve":
		if err := serve.Run(*addr, opt, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	return 0
}

// fail prints content errors one per line (file:line:col: message).
func fail(w io.Writer, err error) int {
	var l diag.List
	if errors.As(err, &l) {
		fmt.Fprintln(w, l.Error())
		fmt.Fprintf(w, "%d error(s)\n", len(l))
		return 1
	}
	fmt.Fprintln(w, "error:", err)
	return 1
}
