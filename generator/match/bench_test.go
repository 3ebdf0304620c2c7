package match

import (
	"bytes"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"
	"time"

	"policyguide/calculator"
	"policyguide/generator/pipeline"
)

var (
	progOnce sync.Once
	prog     *calculator.Program
	progErr  error
)

// program compiles the real content's rules (content/ at the module root).
func program(t testing.TB) *calculator.Program {
	t.Helper()
	progOnce.Do(func() { prog, progErr = pipeline.Program(pipeline.Options{Content: "../../content"}) })
	if progErr != nil {
		t.Fatal(progErr)
	}
	return prog
}

func testMapping(t testing.TB, p *calculator.Program) *Mapping {
	t.Helper()
	data, err := os.ReadFile("testdata/mapping.toml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadMapping("testdata/mapping.toml", data, p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// BenchmarkMatch matches a generated register of 20,000 rows (valid,
// boundary and bad rows, enterprise rules) and reports rows per minute.
func BenchmarkMatch(b *testing.B) {
	// The GC setting of the match command (generator/matchcmd.go).
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(64 << 20))
	p := program(b)
	var reg bytes.Buffer
	const rows = 20000
	if err := writeRegister(&reg, rows, 1, nil); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		explain bool
		format  string
	}{{"csv", false, CSV}, {"csv-explain", true, CSV}, {"jsonl", false, JSONL}} {
		b.Run(c.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				_, err := Run(Options{Program: p, Mapping: testMapping(b, p), Input: bytes.NewReader(reg.Bytes()), InputName: "bench.csv",
					InFormat: CSV, Output: io.Discard, OutFormat: c.format, Date: "2023-11-01", Explain: c.explain})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Minutes(), "rows/min")
			// The machine may be shared: CPU time says what the program
			// costs whatever else runs. rows/cpu-min × cores is the rate on
			// an idle machine (the reader and writer are a small serial part).
			b.ReportMetric(float64(rows)*float64(b.N)/(cpuTime()-cpu0).Minutes(), "rows/cpu-min")
		})
	}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
