package pipeline

import (
	"bytes"
	"path/filepath"
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
