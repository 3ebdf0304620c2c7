package diag

import (
	"strings"
	"testing"
)

// TestDecodeTOML: the one strict reader reports a syntax error, a wrong
// type and an unknown key at file:line:col, in Chinese, offset by the line
// the TOML starts on (front matter).
func TestDecodeTOML(t *testing.T) {
	type item struct {
		Name string `toml:"name"`
	}
	type doc struct {
		Title string `toml:"title"`
		Items []item `toml:"items"`
	}
	for _, tc := range []struct{ src, want string }{
		{"title = \"a\"\n[[items]]\nname = \"x\"\ncolour = 1\n", "f.md:5:1: 未知的键 colour（可用：title、items）"},
		{"title = \"a\ncolour = 1\n", "f.md:2:"},
		{"title = 5\n", "f.md:2:1: 值的类型不对：title："},
		{"title = 2023-13-45\n", "f.md:2:"},
	} {
		var d doc
		keys, errs := DecodeTOML([]byte(tc.src), "f.md", 2, &d, "title、items")
		got := errs.Error()
		if !strings.HasPrefix(got, tc.want) || len(errs) != 1 {
			t.Errorf("%q: got %q, want one error starting %q", tc.src, got, tc.want)
		}
		if strings.Contains(tc.want, "未知的键") {
			if d.Items[0].Name != "x" || keys.At("f.md", "items[0].name").Line != 4 || keys.Near("f.md", "items[0].nope").Line != 3 {
				t.Errorf("decoded %+v, keys %v", d, keys)
			}
		} else if keys != nil {
			t.Errorf("%q: keys for a file that did not decode", tc.src)
		} else if !strings.Contains(got, "TOML 格式错误") && !strings.Contains(got, "值的类型不对") {
			t.Errorf("%q: message not in the reader's language: %s", tc.src, got)
		}
	}
}

// FuzzDecodeTOML: the strict reader never panics, and every error it gives
// points into the file (a line between the first line and the last).
func FuzzDecodeTOML(f *testing.F) {
	for _, s := range []string{"title = \"a\"\n[[items]]\nname = \"x\"\n", "title = 5\n", "[[items]\n", "a.b.c = 1\n", "title = \"\\u00\"", "x = [1, [2, {a = 1}]]\n"} {
		f.Add(s)
	}
	type item struct {
		Name string `toml:"name"`
	}
	type doc struct {
		Title string `toml:"title"`
		Items []item `toml:"items"`
	}
	f.Fuzz(func(t *testing.T, src string) {
		var d doc
		_, errs := DecodeTOML([]byte(src), "f.toml", 3, &d, "title、items")
		last := 3 + strings.Count(src, "\n")
		for _, e := range errs {
			if e.Pos.File != "f.toml" || e.Pos.Line != 0 && (e.Pos.Line < 3 || e.Pos.Line > last+1) {
				t.Fatalf("error outside the file: %v (lines 3..%d)", e, last)
			}
		}
	})
}
