package model_test

import (
	"os"
	"strconv"
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
	var lc *load.Cache
	var mc *markdown.Cache
	if cached {
		lc, mc = load.NewCache(), markdown.NewCache()
	}
	for i := -1; i < b.N; i++ {
		if i == 0 { // the first round fills the caches
			b.ResetTimer()
			loadT, lintT, modelT = 0, 0, 0
		}
		t0 := time.Now()
		c, errs := load.LoadCached(content, lc)
		t1 := time.Now()
		errs.Merge(lint.Unfilled(c))
		t2 := time.Now()
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
		t3 := time.Now()
		md := markdown.New()
		if mc != nil {
			md.UseCache(mc)
		}
		if _, errs := model.Build(c, md, day, in); len(errs) > 0 {
			b.Fatal(errs)
		}
		t4 := time.Now()
		loadT += t1.Sub(t0)
		lintT += t2.Sub(t1)
		modelT += t4.Sub(t3)
	}
	b.ReportMetric(float64(loadT.Milliseconds())/float64(b.N), "load-ms")
	b.ReportMetric(float64(lintT.Milliseconds())/float64(b.N), "lint-ms")
	b.ReportMetric(float64(modelT.Milliseconds())/float64(b.N), "model-ms")
}
