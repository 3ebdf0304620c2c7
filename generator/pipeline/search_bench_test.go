package pipeline

import (
	"bytes"
	"compress/gzip"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"policyguide/generator/bench/synth"
	"policyguide/generator/load"
	"policyguide/generator/search"
	theme "policyguide/themes/default"
)

// BenchmarkSearchIndex10k measures what the search index and the service
// worker add to a build of the synthetic site: each iteration runs a whole
// build (written to disk, as Build10k) and then, on its result, the two
// steps the build added (searchIndex, offlineWorker), timed alone; it
// reports both and their ratio. Both run in the same iteration, so a busy
// machine slows them alike.
// go test ./generator/pipeline -run XXX -bench SearchIndex10k -benchtime 3x
func BenchmarkSearchIndex10k(b *testing.B) {
	dir := b.TempDir()
	content, err := synth.Write(dir, benchN)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	var buildT, indexT time.Duration
	var st search.Stats
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		r, err := Build(Options{Content: content, Out: out, Date: testDay, NoWasm: true})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		files := map[string][]byte{}
		for k, v := range r.Files {
			if !strings.HasPrefix(k, "search/") || strings.HasSuffix(k, ".html") {
				files[k] = v
			}
		}
		lc, lerrs := load.Load(content) // untimed: the build has loaded it already
		if len(lerrs) > 0 {
			b.Fatal(lerrs)
		}
		t2 := time.Now()
		sf, manifest, errs := searchIndex(lc, r.Site)
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		maps.Copy(files, sf)
		urls := map[string]string{"search-index": manifest}
		if _, err := offlineWorker(theme.FS, r.Site, urls, files); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		buildT += t1.Sub(t0)
		indexT += t3.Sub(t2)
		_, _, st = search.Build(search.Docs(r.Site), nil)
	}
	b.ReportMetric(float64(buildT.Milliseconds())/float64(b.N), "build-ms")
	b.ReportMetric(float64(indexT.Milliseconds())/float64(b.N), "index+sw-ms")
	b.ReportMetric(100*float64(indexT)/float64(buildT), "index-%")
	b.ReportMetric(float64(st.Docs), "docs")
	b.ReportMetric(float64(st.Shards), "shards")
	b.ReportMetric(float64(st.Chunks), "chunks")
	b.ReportMetric(float64(st.Bytes), "index-bytes")
}

// budgetQueries are issue 10's test queries plus a few common words.
var budgetQueries = []string{"大学生", "见习", "创业贷款", "技能证书", "稳岗", "退役军人", "残疾人", "零工", "补贴", "失业金"}

// bytesPerQuery runs each query in a fresh reader (a reader's first search:
// manifest, shards, and the chunks of the first 10 results) and returns the
// largest and the mean raw and gzip sizes fetched.
func bytesPerQuery(tb testing.TB, files map[string][]byte) (maxRaw, meanRaw, maxGz, meanGz int) {
	manifest := ""
	for name := range files {
		if strings.HasPrefix(name, "search/manifest-") {
			manifest = name
		}
	}
	gz := map[string]int{}
	for _, q := range budgetQueries {
		var fetched []string
		get := func(p string) ([]byte, error) {
			b, ok := files[p]
			if !ok {
				return nil, errors.New("no " + p)
			}
			fetched = append(fetched, p)
			return b, nil
		}
		r, err := search.Open(get, manifest)
		if err != nil {
			tb.Fatal(err)
		}
		hits, err := r.Search(q)
		if err != nil {
			tb.Fatal(err)
		}
		for i := 0; i < len(hits) && i < 10; i++ {
			if _, err := r.Doc(hits[i].Doc); err != nil {
				tb.Fatal(err)
			}
		}
		g := 0
		seen := map[string]bool{}
		for _, p := range fetched {
			if seen[p] {
				continue
			}
			seen[p] = true
			if _, ok := gz[p]; !ok {
				var buf bytes.Buffer
				w, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
				w.Write(files[p])
				w.Close()
				gz[p] = buf.Len()
			}
			g += gz[p]
		}
		tb.Logf("%s: %d results, %d files, %d bytes (gzip %d)", q, len(hits), len(seen), r.Bytes, g)
		maxRaw, maxGz = max(maxRaw, r.Bytes), max(maxGz, g)
		meanRaw += r.Bytes
		meanGz += g
	}
	return maxRaw, meanRaw / len(budgetQueries), maxGz, meanGz / len(budgetQueries)
}

// TestSearchBytesPerQuery measures the index bytes one search downloads, on
// the real content and on a synthetic site (1,000 pages here; 10,000 with
// POLICYGUIDE_BENCH_PAGES=10000), against a 100 KB budget.
func TestSearchBytesPerQuery(t *testing.T) {
	real, err := Generate(Options{Content: filepath.Join("..", "..", "content"), Date: testDay, NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 1000
	if os.Getenv("POLICYGUIDE_BENCH_PAGES") != "" {
		n = benchN
	}
	if testing.Short() {
		n = 200
	}
	synthContent, err := synth.Write(t.TempDir(), n)
	if err != nil {
		t.Fatal(err)
	}
	synthSite, err := Generate(Options{Content: synthContent, Date: testDay, NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		files map[string][]byte
	}{{"real content", real.Files}, {strconv.Itoa(n) + " synthetic pages", synthSite.Files}} {
		maxRaw, meanRaw, maxGz, meanGz := bytesPerQuery(t, c.files)
		t.Logf("%s: bytes per query: max %d, mean %d; gzip max %d, mean %d", c.name, maxRaw, meanRaw, maxGz, meanGz)
		if maxRaw > 100_000 {
			t.Errorf("%s: a query downloads %d bytes, budget 100 KB", c.name, maxRaw)
		}
	}
}
