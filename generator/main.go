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
	"runtime/debug"
	"runtime/pprof"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/diag"
	"policyguide/generator/pipeline"
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
  new     write a skeleton: new document --id ID | new measure --document ID --id ID
  match   match every row of a register (CSV or JSON Lines) against the rules (免申即享)

Run "go run ./generator <command> --help" for the flags of a command.
Exit status: 0 success, 1 content errors, 2 usage errors.
`

func main() {
	// A soft memory limit for the site commands: a build holds every page
	// and its compressed copies at once, and without a limit the collector
	// lets the heap grow to twice the live data (700 MB at 10,000 pages;
	// 260 MB with the limit, for a few percent more time). GOMEMLIMIT in the
	// environment overrides it; match sets its own.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryLimit)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// buildMemoryLimit is the soft memory limit of build, check and serve.
const buildMemoryLimit = 256 << 20

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, args := args[0], args[1:]
	if cmd == "new" {
		return runNew(args, stdout, stderr)
	}
	if cmd == "match" {
		return matchCmd(args, stdin, stdout, stderr)
	}
	fl := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	content := fl.String("content", "content", "content `folder`")
	date := fl.String("date", "", "reference `date` (YYYY-MM-DD) for expiry notices and the calculator; default today")
	timeout := fl.Duration("timeout", pipeline.DefaultTimeout, "stop a build or check that takes longer than `duration`")
	timings := fl.Bool("timings", false, "print each stage's wall time on stderr")
	cpuprofile := fl.String("cpuprofile", "", "write a CPU profile to `file` (go tool pprof)")
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
	if code, ok := parseFlags(fl, args, stderr); !ok {
		return code
	}
	opt := pipeline.Options{Content: *content, Timeout: *timeout}
	if *timings {
		opt.Timings = stderr
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "--timeout must be positive")
		return 2
	}
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
		r, err := pipeline.Build(opt)
		if err != nil {
			return fail(stderr, err)
		}
		printWarnings(stderr, r.Warnings)
		fmt.Fprintf(stdout, "built %d files (%d measures) into %s in %v\n", len(r.Files), len(r.Site.Measures), opt.Out, time.Since(start).Round(time.Millisecond))
	case "check":
		opt.NoWasm = true
		opt.Cache = pipeline.KeptCache(opt) // the last build's Markdown; check writes nothing
		r, err := pipeline.Generate(opt)
		if err != nil {
			return fail(stderr, err)
		}
		printWarnings(stdout, r.Warnings)
		n := 0
		if r.Program != nil {
			n = len(r.Program.Examples)
		}
		fmt.Fprintf(stdout, "ok: %d measures, %d pages, %d rule examples pass\n", len(r.Site.Measures), len(r.Files), n)
	case "eval":
		// The input is checked before the rules are compiled, and never guessed:
		// a bad input is a usage error (exit 2) with the reason on stderr.
		in, msg := readEvalInput(stdin, opt.Date)
		if msg != "" {
			fmt.Fprintln(stderr, "eval:", msg)
			return 2
		}
		// Content and rules only: a broken link on a page does not stop it.
		prog, err := pipeline.Program(opt)
		if err != nil {
			return fail(stderr, err)
		}
		if prog == nil {
			fmt.Fprintln(stderr, "this site has no calculator rules")
			return 1
		}
		res := calculator.Eval(prog, in)
		for _, e := range res.Errors {
			who := e.Question + e.Field + e.Benefit
			fmt.Fprintf(stderr, "eval: warning: %s: %s\n", who, e.Message)
		}
		stdout.Write(res.JSON())
		fmt.Fprintln(stdout)
	case "serve":
		if err := serve.Run(*addr, opt, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	return 0
}

// readEvalInput reads and strictly decodes eval's stdin. The reference date
// is the input's "date", else --date (day), else today: it is always set here,
// so the engine never falls back to a clock of its own. It returns a message
// for a usage error.
func readEvalInput(stdin io.Reader, day time.Time) (calculator.Input, string) {
	data, err := io.ReadAll(io.LimitReader(stdin, calculator.MaxInputBytes+1))
	if err != nil {
		return calculator.Input{}, "cannot read stdin: " + err.Error()
	}
	if len(data) > calculator.MaxInputBytes {
		return calculator.Input{}, fmt.Sprintf("input is larger than %d bytes", calculator.MaxInputBytes)
	}
	in, err := calculator.StrictInput(data)
	if err != nil {
		return calculator.Input{}, "invalid input: " + err.Error()
	}
	flagDate := ""
	if !day.IsZero() {
		flagDate = day.Format("2006-01-02")
	}
	switch {
	case in.Date != "" && flagDate != "" && in.Date != flagDate:
		return calculator.Input{}, fmt.Sprintf("the input's date %s and --date %s differ: give one", in.Date, flagDate)
	case in.Date == "" && flagDate != "":
		in.Date = flagDate
	case in.Date == "":
		in.Date = pipeline.Today().Format("2006-01-02")
	}
	return in, ""
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

// printWarnings prints what does not stop a build but needs a look.
func printWarnings(w io.Writer, l diag.List) {
	for _, e := range l {
		fmt.Fprintf(w, "warning: %s\n", e.Error())
	}
}

// parseFlags parses a command's flags and refuses extra arguments; code is
// the exit code when it returns false (0 after -h).
func parseFlags(fl *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fl.Arg(0))
		return 2, false
	}
	return 0, true
}
