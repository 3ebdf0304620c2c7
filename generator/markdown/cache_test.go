package markdown

import (
	"reflect"
	"testing"
)

// TestCache: with a cache, Convert gives what it gives without one, for a
// repeat (from the cache), a changed body, a changed first line or file,
// and other reserved ids; errors included.
func TestCache(t *testing.T) {
	const ok = "## 谁可以享受\n\n见[第8条](/measures/m8/)。\n\n## main\n"
	const bad = "## 标题\n\n<div>x</div>\n\n前文**「强调」**后文\n"
	cache := NewCache()
	cached := func(reserved ...string) *Markdown {
		m := New()
		m.Reserve(reserved...)
		m.UseCache(cache)
		return m
	}
	hits := 0
	for _, c := range []struct {
		src      string
		file     string
		line     int
		reserved []string
		hit      bool
	}{
		{ok, "a.md", 10, nil, false},
		{ok, "a.md", 10, nil, true},
		{ok, "a.md", 11, nil, false},
		{ok, "b.md", 11, nil, false},
		{ok, "b.md", 11, []string{"main"}, false},
		{ok, "b.md", 11, []string{"main"}, true},
		{bad, "b.md", 11, []string{"main"}, false},
		{bad, "b.md", 11, []string{"main"}, true},
		{ok, "b.md", 11, []string{"main"}, false},
	} {
		m := cached(c.reserved...)
		before := cache.files[c.file]
		gotRes, gotErrs := m.Convert([]byte(c.src), c.file, c.line)
		fresh := New()
		fresh.Reserve(c.reserved...)
		wantRes, wantErrs := fresh.Convert([]byte(c.src), c.file, c.line)
		if !reflect.DeepEqual(gotRes, wantRes) || !reflect.DeepEqual(gotErrs, wantErrs) {
			t.Fatalf("%+v: cached %v %v, fresh %v %v", c, gotRes, gotErrs, wantRes, wantErrs)
		}
		if hit := before != nil && cache.files[c.file] == before; hit != c.hit {
			t.Fatalf("%+v: hit = %v", c, hit)
		}
		if c.hit {
			hits++
		}
	}
	if hits == 0 {
		t.Fatal("no cache hit")
	}
}
