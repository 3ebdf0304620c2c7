package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policyguide/calculator/diag"
)

// TestHostileContent: each bad input gets its one root-cause error, with the
// expected message and position, quickly — never silence, never a hang.
func TestHostileContent(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "secret.md")
	a1, err := os.ReadFile("testdata/mini/content/measures/a1.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, bytes.Replace(a1, []byte(`id = "a1"`), []byte(`id = "a9"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) func(t *testing.T) {
		return func(t *testing.T) {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendTo := func(name, text string) func(t *testing.T) {
		return func(t *testing.T) {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			write(name, append(b, text...))(t)
		}
	}
	link := func(target, name string) func(t *testing.T) {
		return func(t *testing.T) {
			os.Remove(name)
			if err := os.Symlink(target, name); err != nil {
				t.Skip("no symlinks here:", err)
			}
		}
	}
	deepList := func(n int) string {
		var b strings.Builder
		b.WriteString("\n")
		for i := range n {
			b.WriteString(strings.Repeat("  ", i) + "- 第" + strings.Repeat("层", 1) + "\n")
		}
		return b.String()
	}
	gbk := []byte("示例市人民政府关于支持创业的通知\n第二行\xca\xbe\xc0\xfd\n")

	cases := []struct {
		name  string
		setup func(t *testing.T)
		want  string // the whole error output must contain this line part
		count int    // exact number of errors (0: do not check)
	}{
		{"measure with upper-case extension", write("content/measures/a9.MD", a1),
			`content/measures/a9.MD:1:1: file is not used: the extension must be written ".md" (lower case)`, 1},
		{"measure in a sub-folder", write("content/measures/extra/a9.md", a1),
			`content/measures/extra/a9.md:1:1: file is not used: measures/ has no sub-folders; move it to content/measures/a9.md`, 1},
		{"stray file", write("content/notes.txt", []byte("x")),
			`content/notes.txt:1:1: file is not used by the site`, 1},
		{"measure symlinked outside content", link(outside, "content/measures/a9.md"),
			`content/measures/a9.md:1:1: symbolic link to ` + filepath.ToSlash(outside) + `, outside the content folder: it is not followed`, 1},
		{"source symlinked to /etc/passwd", link("/etc/passwd", "content/source/plan.txt"),
			`content/source/plan.txt:1:1: symbolic link to /etc/passwd, outside the content folder`, 1},
		{"deeply nested list", appendTo("content/measures/a1.md", deepList(300)),
			`content/measures/a1.md:42:1: nesting is too deep (more than 16 levels`, 1},
		{"deeply nested quote", appendTo("content/measures/a1.md", "\n"+strings.Repeat(">", 5000)+" x\n"),
			`content/measures/a1.md:26:1: nesting is too deep`, 1},
		{"deeply nested TOML array", appendTo("content/rules/a1.toml", "\nx = "+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"\n"),
			`content/rules/a1.toml:`, 1},
		{"file too large", appendTo("content/measures/a2.md", "\n"+strings.Repeat("很长的正文。\n", 40000)),
			`content/measures/a2.md:1:1: file is too large (`, 1},
		{"heading id of the theme", appendTo("content/measures/a1.md", "\n## 要点 {#facts-title}\n"),
			`content/measures/a1.md:26:1: heading id "facts-title" is already used by the theme's page layout`, 1},
		{"heading id main", appendTo("content/measures/a1.md", "\n## 要点 {#main}\n"),
			`content/measures/a1.md:26:1: heading id "main" is already used by the theme's page layout`, 1},
		{"empty heading id", appendTo("content/measures/a1.md", "\n## 标题 {#}\n"),
			`content/measures/a1.md:26:1: empty heading id {#}`, 1},
		{"external image", appendTo("content/measures/a1.md", "\n![图](https://evil.example.com/x.png)\n"),
			`content/measures/a1.md:26:1: external image "https://evil.example.com/x.png": the site loads nothing from other hosts`, 1},
		{"protocol-relative image", appendTo("content/measures/a1.md", "\n图：![图](//evil.example.com/x.png)\n"),
			`content/measures/a1.md:26:3: external image`, 1},
		{"base_url with a newline", func(t *testing.T) {
			edit(t, "content/site.toml", `base_url = "https://example.test/guide"`, `base_url = "https://example.test/guide\nDisallow: /"`)
		}, `content/site.toml:5:1: base_url "https://example.test/guide\nDisallow: /" is not a valid site address: it contains a space, newline or control character`, 1},
		{"base_url without host", func(t *testing.T) {
			edit(t, "content/site.toml", `base_url = "https://example.test/guide"`, `base_url = "https:///guide"`)
		}, `content/site.toml:5:1: base_url "https:///guide" is not a valid site address: it has no host name`, 1},
		{"base_url with a query", func(t *testing.T) {
			edit(t, "content/site.toml", `base_url = "https://example.test/guide"`, `base_url = "https://example.test/?x=1"`)
		}, `it must not have a query`, 1},
		{"empty site.toml", write("content/site.toml", nil),
			`content/site.toml:1:1: site.toml is empty`, 1},
		{"source not UTF-8", write("content/source/plan.txt", gbk),
			`content/source/plan.txt:2:5: the file is not valid UTF-8`, 1},
		{"measure not UTF-8", appendTo("content/measures/a2.md", "\n\xb2\xbb\n"),
			`content/measures/a2.md:`, 1},
		{"heading id of a paragraph anchor", appendTo("content/document.md", "\n## P3\n"),
			`content/document.md:1:1: the page document/index.html has two elements with id "p3"`, 1},
		{"empty front matter", write("content/measures/a9.md", []byte("+++\n+++\n正文\n")),
			`content/measures/a9.md:2:1: front matter is empty`, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(root)
			content := miniSite(t)
			c.setup(t)
			start := time.Now()
			_, err := Generate(Options{Content: content, Date: testDay, NoWasm: true, Timeout: time.Minute})
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
			var l diag.List
			if !errors.As(err, &l) {
				t.Fatalf("want content errors, got %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("errors:\n%v\nwant a line containing %q", err, c.want)
			}
			if c.count > 0 && len(l) != c.count {
				t.Errorf("%d errors, want %d (one root cause):\n%v", len(l), c.count, err)
			}
		})
	}
}

// TestThemeIDsAvoided: an automatic heading id never takes an id of the
// layout ("## Main" next to <main id="main">).
func TestThemeIDsAvoided(t *testing.T) {
	content := miniSite(t)
	b, _ := os.ReadFile("content/measures/a1.md")
	os.WriteFile("content/measures/a1.md", append(b, "\n## Main\n\n## TOC title\n"...), 0o644)
	r, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	page := r.Files["measures/a1/index.html"]
	for _, id := range []string{`id="main"`, `id="main-1"`} {
		if n := bytes.Count(page, []byte(id)); n != 1 {
			t.Errorf("%s occurs %d times", id, n)
		}
	}
}

// TestTimeout: the overall bound turns a build that runs too long into an error.
func TestTimeout(t *testing.T) {
	content := miniSite(t)
	opt := Options{Content: content, Date: testDay, NoWasm: true, Timeout: time.Nanosecond}
	_, err := Generate(opt)
	if err == nil || !strings.Contains(err.Error(), "took longer than 1ns") {
		t.Fatalf("got %v", err)
	}
	// The preview's two halves are bounded each.
	if _, err := Prepare(opt); err == nil || !strings.Contains(err.Error(), "took longer than 1ns") {
		t.Fatalf("Prepare: got %v", err)
	}
	opt.Timeout = time.Minute
	p, err := Prepare(opt)
	if err != nil {
		t.Fatal(err)
	}
	p.opt.Timeout = time.Nanosecond
	if _, err := p.Finish(context.Background()); err == nil || !strings.Contains(err.Error(), "took longer than 1ns") {
		t.Fatalf("Finish: got %v", err)
	}
}
