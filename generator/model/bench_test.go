package model_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"policyguide/generator/bench/synth"
	"policyguide/generator/history"
	"policyguide/generator/lint"
	"policyguide/generator/load"
	"policyguide/generator/markdown"
	"policyguide/generator/model"
	"policyguide/generator/rules"
)

// BenchmarkLoadModel runs the load, lint and model stages on a synthetic
// site (POLICYGUIDE_BENCH_PAGES measures, default 1,000).
// POLICYGUIDE_BENCH_PAGES=10000 go test ./generator/model -run XXX -bench LoadModel -benchtime 3x
func BenchmarkLoadModel(b *testing.B) { benchLoadModel(b, false) }

// BenchmarkLoadModelCached is BenchmarkLoadModel for a second build with
// the caches of a first (serve after a save that changed nothing).
func BenchmarkLoadModelCached(b *testing.B) { benchLoadModel(b, true) }

func benchLoadModel(b *testing.B, cached bool) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("POLICYGUIDE_BENCH_PAGES")); err == nil && v > 0 {
		n = v
	}
	content, err := synth.Write(b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	day := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	var loadT, lintT, modelT time.Duration
	var loadC, lintC, modelC time.Duration // CPU time, user + system
	var lc *load.Cache
	var mc *markdown.Cache
	if cached {
		lc, mc = load.NewCache(), markdown.NewCache()
	}
	for i := -1; i < b.N; i++ {
		if i == 0 { // the first round fills the caches
			b.ResetTimer()
			loadT, lintT, modelT = 0, 0, 0
			loadC, lintC, modelC = 0, 0, 0
		}
		c0 := cpu()
		t0 := time.Now()
		c, errs := load.LoadCached(content, lc)
		t1, c1 := time.Now(), cpu()
		errs.Merge(lint.Unfilled(c))
		t2, c2 := time.Now(), cpu()
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		docs, mainDoc := model.Documents(c)
		rs, _, rerrs := rules.Compile(c, docs, mainDoc)
		if len(rerrs) > 0 {
			b.Fatal(rerrs)
		}
		in := model.Inputs{Rules: rs}
		in.History, in.HistoryErr = history.Read(c.Dir)
		t3, c3 := time.Now(), cpu()
		md := markdown.New()
		if mc != nil {
			md.UseCache(mc)
		}
		if _, errs := model.Build(c, md, day, in); len(errs) > 0 {
			b.Fatal(errs)
		}
		t4, c4 := time.Now(), cpu()
		loadC += c1 - c0
		lintC += c2 - c1
		modelC += c4 - c3
		loadT += t1.Sub(t0)
		lintT += t2.Sub(t1)
		modelT += t4.Sub(t3)
	}
	b.ReportMetric(float64(loadT.Milliseconds())/float64(b.N), "load-ms")
	b.ReportMetric(float64(lintT.Milliseconds())/float64(b.N), "lint-ms")
	b.ReportMetric(float64(modelT.Milliseconds())/float64(b.N), "model-ms")
	b.ReportMetric(float64(loadC.Milliseconds())/float64(b.N), "load-cpu-ms")
	b.ReportMetric(float64(lintC.Milliseconds())/float64(b.N), "lint-cpu-ms")
	b.ReportMetric(float64(modelC.Milliseconds())/float64(b.N), "model-cpu-ms")
}

// cpu is the process's CPU time so far (user + system).
func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
