package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"policyguide/generator/match"
	"policyguide/generator/pipeline"
)

const matchUsage = `Usage: go run ./generator match --mapping MAP.toml --in REGISTER.csv [--out RESULT.csv] [flags]

Matches every row of a register (CSV or JSON Lines, one firm or person per
row) against the calculator's rules, with the same engine as eval and the
page. The mapping file says which column answers which question. Output:
one line per register row (CSV, or JSON Lines), then a summary on stderr.
Bad rows are reported in the output and the summary; the run goes on.

Exit status: 0 done, 3 done but some rows have errors, 1 could not run
(content, mapping or file error), 2 usage error.

Flags:
`

// matchCmd runs the match command. It loads the content and compiles the
// rules only (no site build).
func matchCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("match", flag.ContinueOnError)
	fl.SetOutput(stderr)
	content := fl.String("content", "content", "content `folder`")
	date := fl.String("date", "", "reference `date` YYYY-MM-DD (default: the mapping's date, else today)")
	mapping := fl.String("mapping", "", "mapping `file` (TOML): which column answers which question (required)")
	in := fl.String("in", "", "register `file`, .csv or .jsonl; - reads stdin (required)")
	inFormat := fl.String("in-format", "", "register `format`: csv or jsonl (default from the file name, else csv)")
	out := fl.String("out", "-", "output `file`; - writes stdout")
	format := fl.String("format", "", "output `format`: csv or jsonl (default from --out's name, else csv)")
	explain := fl.Bool("explain", false, "add each benefit's calculation and conditions to the output (slower)")
	bom := fl.Bool("bom", false, "start the output with a UTF-8 byte order mark, so Excel opens a CSV as UTF-8")
	summary := fl.String("summary", "", "also write the summary as JSON to `file`")
	workers := fl.Int("workers", 0, "evaluating goroutines (default: one per core)")
	fl.Usage = func() {
		fmt.Fprint(stderr, matchUsage)
		fl.PrintDefaults()
	}
	if code, ok := parseFlags(fl, args, stderr); !ok {
		return code
	}
	if *mapping == "" || *in == "" {
		fmt.Fprintln(stderr, "match needs --mapping and --in")
		fl.Usage()
		return 2
	}
	pickFormat := func(flagVal, name, what string) (string, bool) {
		switch strings.ToLower(flagVal) {
		case "csv":
			return match.CSV, true
		case "jsonl", "ndjson":
			return match.JSONL, true
		case "":
			switch strings.ToLower(filepath.Ext(name)) {
			case ".jsonl", ".ndjson":
				return match.JSONL, true
			}
			return match.CSV, true
		}
		fmt.Fprintf(stderr, "bad %s %q: use csv or jsonl\n", what, flagVal)
		return "", false
	}
	inF, ok1 := pickFormat(*inFormat, *in, "--in-format")
	outF, ok2 := pickFormat(*format, *out, "--format")
	if !ok1 || !ok2 {
		return 2
	}
	opt := pipeline.Options{Content: *content}
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			fmt.Fprintf(stderr, "bad --date %q: use YYYY-MM-DD\n", *date)
			return 2
		}
		opt.Date = d
	}

	// Rules and mapping first: a wrong mapping fails before any row is read.
	prog, err := pipeline.Program(opt)
	if err != nil {
		return fail(stderr, err)
	}
	if prog == nil {
		fmt.Fprintln(stderr, "this site has no calculator rules")
		return 1
	}
	mdata, err := os.ReadFile(*mapping)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	m, err := match.LoadMapping(filepath.ToSlash(*mapping), mdata, prog)
	if err != nil {
		return fail(stderr, err)
	}

	var input io.Reader = stdin
	var size int64
	name := "stdin"
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		input, name = f, filepath.ToSlash(*in)
	}

	// The output goes to a temporary file next to --out, renamed when the
	// run is complete; an existing file is replaced only when an earlier
	// match run wrote it.
	var output io.Writer = stdout
	var tmp *os.File
	if *out != "-" {
		if err := replaceable(*out); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		tmp, err = os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
		if err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		defer os.Remove(tmp.Name()) // after a successful rename this does nothing
		output = tmp
	}

	// Matching allocates a lot of short-lived memory and keeps little: let
	// the heap grow to 64 MiB between collections instead of twice the
	// live heap (a third less CPU; peak memory stays far below 100 MB).
	// GOGC or GOMEMLIMIT in the environment take precedence.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(64 << 20)
	}

	var progress io.Writer
	if f, ok := stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			progress = f
		}
	}
	dateText := ""
	if !opt.Date.IsZero() {
		dateText = opt.Date.Format("2006-01-02")
	}
	sum, err := match.Run(match.Options{
		Program: prog, Mapping: m,
		Input: input, InputName: name, InFormat: inF, InputSize: size,
		Output: output, OutFormat: outF,
		Date: dateText, Explain: *explain, BOM: *bom, Workers: *workers,
		Progress: progress,
	})
	if err != nil {
		return fail(stderr, err)
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
	}
	if *summary != "" {
		if err := replaceable(*summary); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
		if err := os.WriteFile(*summary, sum.JSON(), 0o644); err != nil {
			fmt.Fprintln(stderr, "error:", err)
			return 1
		}
	}
	sum.WriteText(stderr)
	if *out != "-" {
		fmt.Fprintf(stderr, "\n结果已写入 %s\n", *out)
	}
	if sum.WithError > 0 {
		return 3
	}
	return 0
}

// replaceable refuses to overwrite a file that a match run did not write.
func replaceable(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimPrefix(head[:n], []byte{0xEF, 0xBB, 0xBF})
	for _, sig := range []string{"行,", `{"line":`, `{"input":`} {
		if bytes.HasPrefix(head, []byte(sig)) {
			return nil
		}
	}
	return fmt.Errorf("%s exists and was not written by match: choose another file name (nothing was overwritten)", path)
}
