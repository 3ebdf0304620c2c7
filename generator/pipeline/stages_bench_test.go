package pipeline

import (
	"syscall"
	"testing"
	"time"

	"policyguide/generator/bench/synth"
	"policyguide/generator/load"
	"policyguide/generator/opendata"
	"policyguide/generator/validate"
	theme "policyguide/themes/default"
)

// BenchmarkLateStages times, on one generated synthetic site, each stage
// that runs after the model apart from render: opendata, search, validate
// and offline (see generate).
// POLICYGUIDE_BENCH_PAGES=10000 go test ./generator/pipeline -run XXX -bench LateStages
func BenchmarkLateStages(b *testing.B) {
	content, err := synth.Write(b.TempDir(), benchN)
	if err != nil {
		b.Fatal(err)
	}
	r, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
	if err != nil {
		b.Fatal(err)
	}
	c, errs := load.Load(content)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	// The machine may be shared: CPU time is reported besides wall time.
	run := func(name string, f func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				f(b)
			}
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
	run("opendata", func(b *testing.B) { opendata.Files(r.Site, r.Program) })
	run("search", func(b *testing.B) {
		if _, _, errs := searchIndex(c, r.Site); len(errs) > 0 {
			b.Fatal(errs)
		}
	})
	run("validate", func(b *testing.B) {
		targets, dups := validate.IndexDuplicates(r.Files)
		validate.Links(targets, nil)
		validate.Duplicates(dups, pageFiles(c, r.Site))
	})
	run("offline", func(b *testing.B) {
		if _, err := offlineWorker(theme.FS, r.Site, nil, r.Files); err != nil {
			b.Fatal(err)
		}
	})
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
