package build

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policyguide/calculator/diag"
)

// copyTree copies the fixture content into a temp folder so a test can break it.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if e.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// miniSite copies the small fixture site and returns its content folder,
// relative to the working folder the test switches to.
func miniSite(t *testing.T) string {
	dir := t.TempDir()
	copyTree(t, "testdata/mini/content", filepath.Join(dir, "content"))
	t.Chdir(dir)
	return "content"
}

func edit(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

var testDay = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// TestBadContent breaks the fixture one way at a time and checks the message
// and its file:line:col.
func TestBadContent(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, file, old, new string
		want                 string // a line of the error output
	}{
		{"invalid TOML", "measures/a1.md", `title = "发放创业补贴"`, `title = "发放创业补贴`,
			"content/measures/a1.md:5:"},
		{"unknown key", "measures/a1.md", "category = \"startup\"\n", "category = \"startup\"\ncolour = \"red\"\n",
			`content/measures/a1.md:8:1: unknown key "colour"`},
		{"missing required field", "measures/a1.md", "summary = \"首次创业的居民可领一次性创业补贴。\"\n", "",
			`content/measures/a1.md:1:1: missing required field "summary"`},
		{"empty required field", "measures/a1.md", `title = "发放创业补贴"`, `title = ""`,
			`content/measures/a1.md:5:1: title must not be empty`},
		{"bad date", "measures/a1.md", "valid_until = 2024-06-30", "valid_until = 2024-13-30",
			"content/measures/a1.md:10:"},
		{"date as string", "measures/a1.md", "valid_until = 2024-06-30", `valid_until = "2024-06-30"`,
			"bad date: write a TOML date such as 2023-12-31, without quotes"},
		{"duplicate measure number", "measures/a2.md", "order = 2", "order = 1",
			`content/measures/a2.md:3:1: duplicate measure number 1: measure "a1" has it already`},
		{"duplicate measure id", "measures/a2.md", `id = "a2"`, `id = "a1"`,
			`content/measures/a2.md:2:1: duplicate measure id "a1"`},
		{"non-ASCII id", "measures/a2.md", `id = "a2"`, `id = "场地"`,
			`content/measures/a2.md:2:1: measure id "场地" must be short lower-case ASCII`},
		{"broken link", "measures/a1.md", "(/calculator/)", "(/measures/a9/)",
			`content/measures/a1.md:24:`},
		{"broken anchor", "measures/a1.md", "(/measures/a2/#这是什么)", "(/measures/a2/#不存在)",
			`broken anchor "/measures/a2/#不存在": page "/measures/a2/" has no element with id "不存在"`},
		{"broken paragraph anchor", "measures/a1.md", "(/document/#p4)", "(/document/#p99)",
			`content/measures/a1.md:16:`},
		{"relative link", "measures/a1.md", "(/calculator/)", "(a2/)",
			`relative link "a2/": write it from the site root`},
		{"raw HTML", "measures/a1.md", "## 能得到什么\n", "## 能得到什么\n\n<div>红色</div>\n",
			`content/measures/a1.md:20:1: raw HTML`},
		{"unknown department", "measures/a1.md", `lead = ["市就业局"]`, `lead = ["市交通局"]`,
			`content/measures/a1.md:8:9: unknown department "市交通局": add it to content/departments.toml`},
		{"unknown category", "measures/a1.md", `category = "startup"`, `category = "jobs"`,
			`content/measures/a1.md:7:1: unknown category "jobs"`},
		{"unknown audience", "measures/a1.md", `audiences = ["people"]`, `audiences = ["people", "kids"]`,
			`content/measures/a1.md:9:24: unknown audience "kids"`},
		{"paragraph not in source", "measures/a1.md", `paragraph = "p4"`, `paragraph = "p40"`,
			`content/measures/a1.md:12:1: paragraph "p40" is not in the source document`},
		{"no front matter", "measures/a3.md", "+++\nid", "id",
			`content/measures/a3.md:1:1: missing front matter`},
		{"broken menu link", "site.toml", `url = "/document/"`, `url = "/doc/"`,
			`content/site.toml:17:1: broken link "/doc/"`},
		{"unknown key in site.toml table", "site.toml", "[calculator]\n", "[calculator]\ncolor = 1\n",
			`content/site.toml:41:1: unknown key "color"`},
		{"citation not in source", "rules/a1.toml", `cite = "对首次创业的居民"`, `cite = "对所有居民"`,
			"content/rules/a1.toml:"},
		{"failing rule example", "rules/a1.toml", `amount = "2000" }]`, `amount = "2500" }]`,
			"content/rules/a1.toml:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(root)
			content := miniSite(t)
			edit(t, filepath.Join(content, c.file), c.old, c.new)
			_, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
			if err == nil {
				t.Fatal("build succeeded; want an error")
			}
			var l diag.List
			if !errors.As(err, &l) {
				t.Fatalf("error is not a content error list: %v", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("errors:\n%v\nwant a line containing %q", err, c.want)
			}
			for _, e := range l {
				if e.Pos.File == "" {
					t.Errorf("error without a file: %v", e)
				}
			}
		})
	}
}

// TestAllErrorsAtOnce checks that independent errors are reported together, sorted.
func TestAllErrorsAtOnce(t *testing.T) {
	content := miniSite(t)
	edit(t, "content/measures/a2.md", `lead = ["市就业局"]`, `lead = ["市交通局"]`)
	edit(t, "content/measures/a1.md", `category = "startup"`, `category = "jobs"`)
	_, err := Generate(Options{Content: content, Date: testDay, NoWasm: true})
	var l diag.List
	if !errors.As(err, &l) || len(l) != 2 {
		t.Fatalf("want 2 errors, got %v", err)
	}
	if l[0].Pos.File != "content/measures/a1.md" || l[1].Pos.File != "content/measures/a2.md" {
		t.Errorf("errors not sorted by file: %v", l)
	}
}
