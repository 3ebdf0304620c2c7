package markdown

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"policyguide/calculator/diag"
)

// FuzzConvert checks that Convert never panics, that every position it
// reports lies inside the body's lines of the file, that ids are unique and
// that no script can reach the output. Seeds: testdata/fuzz/FuzzConvert.
func FuzzConvert(f *testing.F) {
	f.Add([]byte("## 谁可以享受\n\n前文**「强调」**后文 [x]() <b>\n"), uint8(3))
	m := New()
	f.Fuzz(func(t *testing.T, src []byte, first uint8) {
		firstLine := int(first) + 1
		r, errs := m.Convert(src, "f.md", firstLine)
		lines := bytes.Split(src, []byte("\n"))
		check := func(what string, p diag.Pos) {
			if p.File != "f.md" {
				t.Fatalf("%s: file %q", what, p.File)
			}
			i := p.Line - firstLine
			if i < 0 || i >= len(lines) {
				t.Fatalf("%s: line %d outside %d..%d", what, p.Line, firstLine, firstLine+len(lines)-1)
			}
			if n := utf8.RuneCount(lines[i]); p.Col < 1 || p.Col > n+1 {
				t.Fatalf("%s: col %d outside 1..%d of line %d", what, p.Col, n+1, p.Line)
			}
		}
		for _, e := range errs {
			check("error "+e.Msg, e.Pos)
		}
		for _, l := range r.Links {
			check("link "+l.Dest, l.Pos)
		}
		seen := map[string]bool{}
		for _, id := range r.IDs {
			if id == "" || seen[id] {
				t.Fatalf("empty or duplicate id %q in %q", id, r.IDs)
			}
			seen[id] = true
		}
		for _, h := range r.TOC {
			if !seen[h.ID] {
				t.Fatalf("TOC id %q not among ids", h.ID)
			}
		}
		for _, e := range errs {
			if strings.Contains(e.Msg, "internal error") {
				t.Fatal(e)
			}
		}
		low := strings.ToLower(string(r.HTML))
		if strings.Contains(low, "<script") || strings.Contains(low, `href="javascript:`) {
			t.Fatalf("unsafe HTML: %s", r.HTML)
		}
	})
}
