package markdown

import (
	"strings"
	"testing"
	"time"
)

// TestManyIdenticalHeadings: 20,000 identical headings get unique ids in
// linear time (the old probe of -1, -2, … took 30–42 s).
func TestManyIdenticalHeadings(t *testing.T) {
	src := []byte(strings.Repeat("## 标题\n\n", 20000))
	start := time.Now()
	r, errs := New().Convert(src, "f.md", 1)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if len(errs) > 0 || len(r.IDs) != 20000 {
		t.Fatalf("%d ids, %v", len(r.IDs), errs)
	}
	if r.IDs[0] != "标题" || r.IDs[1] != "标题-1" || r.IDs[19999] != "标题-19999" {
		t.Errorf("ids %q … %q", r.IDs[:2], r.IDs[19999])
	}
}

// TestGeneratedIDsSkipTaken: a suffix already taken by hand or by a heading
// whose slug ends in -N is skipped, and ids stay unique.
func TestGeneratedIDsSkipTaken(t *testing.T) {
	src := "## A {#a-1}\n\n## A\n\n## A\n\n## A 2\n\n## A\n"
	r, errs := New().Convert([]byte(src), "f.md", 1)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := []string{"a-1", "a", "a-2", "a-2-1", "a-3"}
	if strings.Join(r.IDs, " ") != strings.Join(want, " ") {
		t.Errorf("ids %q, want %q", r.IDs, want)
	}
}

// TestReservedIDs: the theme's ids are never generated and are an error when
// written by hand; an empty {#} is an error, not id="".
func TestReservedIDs(t *testing.T) {
	m := New()
	m.Reserve("main", "facts-title")
	for _, tc := range []struct{ src, want, ids string }{
		{"## Main\n", "", "main-1"},
		{"## 要点 {#facts-title}\n", `f.md:3:1: heading id "facts-title" is already used by the theme's page layout`, "facts-title"},
		{"## 标题 {#}\n", "f.md:3:1: empty heading id {#}", "标题"},
		{"## X {#x}\n\n## Y {#x}\n", `f.md:5:1: duplicate heading id "x"`, "x x"},
		{"![](https://cdn.example.com/a.png)\n", `f.md:3:1: external image "https://cdn.example.com/a.png"`, ""},
		{"![](data:image/png;base64,AAAA)\n", `f.md:3:1: external image`, ""},
		{"![图](/images/a.png)\n", "", ""},
	} {
		r, errs := m.Convert([]byte(tc.src), "f.md", 3)
		got := errs.Error()
		if tc.want == "" && len(errs) > 0 || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%q: errors %q, want %q", tc.src, got, tc.want)
		}
		if strings.Join(r.IDs, " ") != tc.ids {
			t.Errorf("%q: ids %q, want %q", tc.src, r.IDs, tc.ids)
		}
	}
}
