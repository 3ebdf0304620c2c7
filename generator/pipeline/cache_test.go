package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCache: a Generate with the cache of the previous one gives the same
// files and errors as a Generate without, after a change to a measure's
// front matter, to its body, an error, and its repair.
func TestCache(t *testing.T) {
	content := miniSite(t)
	cache := NewCache()
	a1 := filepath.Join(content, "measures", "a1.md")
	same := func(what string) {
		t.Helper()
		got, gotErr := Generate(Options{Content: content, Date: testDay, NoWasm: true, Cache: cache})
		want, wantErr := Generate(Options{Content: content, Date: testDay, NoWasm: true})
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("%s: errors differ:\ncached: %v\nfresh:  %v", what, gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if len(got.Files) != len(want.Files) {
			t.Fatalf("%s: %d files, without the cache %d", what, len(got.Files), len(want.Files))
		}
		for name, data := range want.Files {
			if !bytes.Equal(data, got.Files[name]) {
				t.Errorf("%s: %s differs", what, name)
			}
		}
	}
	same("first")
	same("unchanged")
	edit(t, a1, "发放创业补贴", "发放一次性创业补贴")
	same("title changed")
	edit(t, a1, "## 这是什么", "## 这到底是什么")
	same("body changed")
	edit(t, a1, "## 这到底是什么", "## 这到底是什么\n\n<div>x</div>")
	same("raw HTML")
	edit(t, a1, "<div>x</div>", "")
	same("repaired")
}

// TestMarkdownKept: build keeps its Markdown conversions in the cache
// folder; the next build, after an edit to one body, writes the same site
// as a build with an empty cache folder.
func TestMarkdownKept(t *testing.T) {
	if programVersion() == "" {
		t.Skip("no Go build ID in this executable: nothing is kept")
	}
	content := miniSite(t)
	cacheDir := t.TempDir()
	build := func(out, cache string) map[string][]byte {
		t.Helper()
		r, err := Build(Options{Content: content, Out: out, Date: testDay, NoWasm: true, CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		return r.Files
	}
	build("public", cacheDir)
	keptFile, err := os.ReadFile(filepath.Join(cacheDir, markdownCacheName))
	if err != nil || len(keptFile) == 0 {
		t.Fatalf("no conversions kept: %v", err)
	}
	edit(t, filepath.Join(content, "measures", "a1.md"), "## 这是什么", "## 这到底是什么")
	got := build("public", cacheDir)
	want := build("public-fresh", t.TempDir())
	if len(got) != len(want) {
		t.Fatalf("%d files, without kept conversions %d", len(got), len(want))
	}
	for name, data := range want {
		if !bytes.Equal(data, got[name]) {
			t.Errorf("%s differs from a build without kept conversions", name)
		}
	}
	if !bytes.Contains(got["measures/a1/index.html"], []byte("这到底是什么")) {
		t.Error("the edited body is not on the page")
	}
	// check and serve start from what build kept, and get the same site.
	kept := KeptCache(Options{CacheDir: cacheDir})
	r, err := Generate(Options{Content: content, Date: testDay, NoWasm: true, Cache: kept})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range want {
		if name == "_headers" || strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			continue // build only
		}
		if !bytes.Equal(data, r.Files[name]) {
			t.Errorf("%s differs when generated from the kept conversions", name)
		}
	}
	if kept.md.Changed() { // every conversion found, every kept one used
		t.Error("a generate from the kept conversions converted again")
	}
	// A damaged file is a cold cache, not an error.
	if err := os.WriteFile(filepath.Join(cacheDir, markdownCacheName), keptFile[:len(keptFile)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	build("public", cacheDir)
}
