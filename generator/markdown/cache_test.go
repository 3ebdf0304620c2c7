package markdown

import (
	"bytes"
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

// TestCacheFile: conversions written and read back for the same version
// are hits with the same results; another version, damage or a conversion
// with errors is not kept; only the conversions a build asked for are.
func TestCacheFile(t *testing.T) {
	docs := map[string]string{
		"a.md": "## 谁可以享受\n\n见[第8条](/measures/m8/)和![图](/img/a.png)。\n\n### 怎么办\n\n## 第三\n",
		"b.md": "没有标题，也没有链接。\n",
		"c.md": "## 标题\n\n<div>x</div>\n",
	}
	cache := NewCache()
	m := New()
	m.Reserve("main")
	m.UseCache(cache)
	for name, src := range docs {
		m.Convert([]byte(src), name, 5)
	}
	var buf bytes.Buffer
	if err := cache.Write(&buf, "v1"); err != nil {
		t.Fatal(err)
	}
	read := ReadCache(bytes.NewReader(buf.Bytes()), "v1")
	if _, ok := read.files["c.md"]; ok {
		t.Error("a conversion with errors was kept")
	}
	for name, src := range docs {
		m2 := New()
		m2.Reserve("main")
		m2.UseCache(read)
		before := read.files[name]
		got, gotErrs := m2.Convert([]byte(src), name, 5)
		fresh := New()
		fresh.Reserve("main")
		want, wantErrs := fresh.Convert([]byte(src), name, 5)
		if !reflect.DeepEqual(got, want) || len(gotErrs) != len(wantErrs) {
			t.Errorf("%s: read back %#v %v, fresh %#v %v", name, got, gotErrs, want, wantErrs)
		}
		if hit := before != nil && read.files[name] == before; hit != (name != "c.md") {
			t.Errorf("%s: hit = %v", name, hit)
		}
	}
	// A build that converts the same bodies changes nothing; one that asks
	// for fewer, or for a changed body, does.
	for _, c := range []struct {
		convert map[string]string
		changed bool
	}{
		{map[string]string{"a.md": docs["a.md"], "b.md": docs["b.md"]}, false},
		{map[string]string{"b.md": docs["b.md"]}, true},
		{map[string]string{"a.md": docs["a.md"], "b.md": docs["b.md"] + "再加一句。\n"}, true},
	} {
		rc := ReadCache(bytes.NewReader(buf.Bytes()), "v1")
		mm := New()
		mm.Reserve("main")
		mm.UseCache(rc)
		for name, src := range c.convert {
			mm.Convert([]byte(src), name, 5)
		}
		if rc.Changed() != c.changed {
			t.Errorf("converting %d files: Changed() = %v", len(c.convert), !c.changed)
		}
	}
	// Read and written again by a build that asks only for b.md: only b.md is kept.
	next := ReadCache(bytes.NewReader(buf.Bytes()), "v1")
	m3 := New()
	m3.Reserve("main")
	m3.UseCache(next)
	m3.Convert([]byte(docs["b.md"]), "b.md", 5)
	buf.Reset()
	if err := next.Write(&buf, "v1"); err != nil {
		t.Fatal(err)
	}
	if again := ReadCache(bytes.NewReader(buf.Bytes()), "v1"); len(again.files) != 1 || again.files["b.md"] == nil {
		t.Errorf("kept %d conversions, want b.md only", len(again.files))
	}
	for what, c := range map[string]*Cache{
		"another version": ReadCache(bytes.NewReader(buf.Bytes()), "v2"),
		"no version":      ReadCache(bytes.NewReader(buf.Bytes()), ""),
		"damaged":         ReadCache(bytes.NewReader(buf.Bytes()[:buf.Len()/2]), "v1"),
		"not a cache":     ReadCache(bytes.NewReader([]byte("hello")), "v1"),
	} {
		if len(c.files) != 0 {
			t.Errorf("%s: %d conversions used", what, len(c.files))
		}
	}
}
