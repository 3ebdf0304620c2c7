package serve

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"policyguide/generator/bench/synth"
	"policyguide/generator/pipeline"
)

// BenchmarkSaveToPage is what a member of staff waits for in the preview:
// from saving a measure file to the browser having the changed page (the
// file notification, the debounce, the rebuild, the reload message and the
// GET of the page). A synthetic site of POLICYGUIDE_BENCH_PAGES measures
// (default 1,000); the median is reported as ms/save.
//
//	go test ./generator/serve -run XXX -bench SaveToPage -benchtime 20x
//	POLICYGUIDE_BENCH_PAGES=10000 go test ./generator/serve -run XXX -bench SaveToPage -benchtime 10x
func BenchmarkSaveToPage(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("POLICYGUIDE_BENCH_PAGES")); err == nil && v > 0 {
		n = v
	}
	content, err := synth.Write(b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	s := New(pipeline.Options{Content: content, NoWasm: true, Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err := s.Rebuild(); err != nil {
		b.Fatal(err)
	}
	ch := make(chan string, 8)
	s.mu.Lock()
	s.subs[ch] = true
	s.mu.Unlock()
	go s.watch(content, io.Discard, io.Discard)
	time.Sleep(300 * time.Millisecond) // the watches are in place

	page := filepath.Join(content, "measures", "m00007.md")
	orig, err := os.ReadFile(page)
	if err != nil {
		b.Fatal(err)
	}
	var waits []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s.mu.Lock() // a person reads the page before the next save: the last build has ended
		finishing := s.finishing
		s.mu.Unlock()
		<-finishing
		drain(ch)
		marker := "第" + strconv.Itoa(i) + "次保存的修改。"
		b.StartTimer()
		start := time.Now()
		// Saved the way most editors save: a temporary file renamed over it.
		tmp := filepath.Join(filepath.Dir(page), ".m00007.md.tmp")
		if err := os.WriteFile(tmp, append(slices.Clip(orig), "\n"+marker+"\n"...), 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, page); err != nil {
			b.Fatal(err)
		}
		// Like a browser: reload on every message until the page has the
		// change (an event before the rename may start a build of its own).
		for done := false; !done; {
			select {
			case msg := <-ch:
				if msg != "reload" {
					b.Fatalf("message %q", msg)
				}
				done = strings.Contains(getB(s, "/measures/m7/"), marker)
			case <-time.After(30 * time.Second):
				b.Fatal("the page lacks the saved change")
			}
		}
		waits = append(waits, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(waits)
	b.ReportMetric(float64(waits[len(waits)/2].Microseconds())/1000, "median-ms/save")
}
