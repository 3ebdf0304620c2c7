package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"policyguide/generator/bench/synth"
	"policyguide/generator/render"
)

// BenchmarkBuild10k builds a synthetic site of 10,000 measure pages in memory
// and writes it to disk, reporting pages per second.
// go test ./generator/pipeline -run XXX -bench Build10k -benchtime 3x
func BenchmarkBuild10k(b *testing.B) {
	dir := b.TempDir()
	content, err := synth.Write(dir, benchN)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	b.ResetTimer()
	pages := 0
	for i := 0; i < b.N; i++ {
		r, err := Build(Options{Content: content, Out: out, Date: testDay, NoWasm: true})
		if err != nil {
			b.Fatal(err)
		}
		pages = 0
		for name := range r.Files {
			if strings.HasSuffix(name, ".html") {
				pages++
			}
		}
	}
	b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// benchN is the synthetic site size; smaller in profiling runs.
var benchN = 10000

// BenchmarkGenerate builds the synthetic site in memory only (what check and
// serve do: every check on, nothing written).
// go test ./generator/pipeline -run XXX -bench Generate -benchtime 3x
func BenchmarkGenerate(b *testing.B) {
	content, err := synth.Write(b.TempDir(), benchN)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Generate(Options{Content: content, Date: testDay, NoWasm: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchN)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkPrepare is the preview's wait after a save: the stages before
// the page a browser reloads can be rendered (load … bundle), and that page.
// go test ./generator/pipeline -run XXX -bench Prepare (POLICYGUIDE_BENCH_PAGES=1000)
func BenchmarkPrepare(b *testing.B) {
	content, err := synth.Write(b.TempDir(), benchN)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		prepareOnePage(b, Options{Content: content, Date: testDay, NoWasm: true, LiveReload: true})
	}
}

// prepareOnePage prepares the site and renders the page of measure m7.
func prepareOnePage(b *testing.B, opt Options) {
	p, err := Prepare(opt)
	if err != nil {
		b.Fatal(err)
	}
	d, err := p.Draft()
	if err != nil {
		b.Fatal(err)
	}
	if _, ok, err := d.File("measures/m7/index.html"); !ok || err != nil {
		b.Fatal(ok, err)
	}
}

// BenchmarkPrepareCached is BenchmarkPrepare in the preview, after a save
// of one measure: the decoded files and converted Markdown of the others are
// kept (Options.Cache).
func BenchmarkPrepareCached(b *testing.B) {
	content, err := synth.Write(b.TempDir(), benchN)
	if err != nil {
		b.Fatal(err)
	}
	opt := Options{Content: content, Date: testDay, NoWasm: true, LiveReload: true, Cache: NewCache()}
	if _, err := Prepare(opt); err != nil {
		b.Fatal(err)
	}
	page := filepath.Join(content, "measures", "m00007.md")
	orig, err := os.ReadFile(page)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.WriteFile(page, append(orig, fmt.Sprintf("\n第%d次修改。\n", i)...), 0o644); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		prepareOnePage(b, opt)
	}
}

// BenchmarkMeasurePage is the template execution of one measure page (the
// largest part of a build's CPU), over the measures of a synthetic site.
// go test ./generator/pipeline -run XXX -bench MeasurePage -benchmem
func BenchmarkMeasurePage(b *testing.B) {
	content, err := synth.Write(b.TempDir(), 1000)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Prepare(Options{Content: content, Date: testDay, NoWasm: true})
	if err != nil {
		b.Fatal(err)
	}
	r, err := render.New(p.model.Site, p.urls, p.th, render.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := r.Page(fmt.Sprintf("measures/m%d/index.html", i%1000+1)); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
