package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"policyguide/calculator/diag"
	"policyguide/generator/fixture"
)

// miniSite copies the small fixture site and returns its content folder,
// relative to the working folder the test switches to.
func miniSite(t *testing.T) string {
	dir := t.TempDir()
	fixture.Copy(t, "testdata/mini/content", filepath.Join(dir, "content"))
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
			`content/measures/a1.md:8:1: 未知的键 colour`},
		{"missing required field", "measures/a1.md", "summary = \"首次创业的居民可领一次性创业补贴。\"\n", "",
			`content/measures/a1.md:1:1: 缺少必填项 summary`},
		{"empty required field", "measures/a1.md", `title = "发放创业补贴"`, `title = ""`,
			`content/measures/a1.md:5:1: title 不能为空`},
		{"bad date", "document.md", "date = 2024-01-15", "date = 2024-13-15",
			"content/document.md:5:"},
		{"date as string", "document.md", "date = 2024-01-15", `date = "2024-01-15"`,
			"日期写法不对：请写成 2023-12-31 这样的 TOML 日期，不加引号"},
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
		{"unknown department", "measures/a1.md", `partners = ["市就业局"]`, `partners = ["市交通局"]`,
			`content/measures/a1.md:9:13: unknown department "市交通局": add it to content/departments.toml`},
		{"lead without 牵头", "measures/a1.md", "lead = []\npartners = [\"市就业局\"]", `lead = ["市就业局"]`,
			`content/measures/a1.md:8:1: paragraph p4 does not say 牵头`},
		{"lead not named before 牵头", "measures/a3.md", `lead = ["市财政局"]`, `lead = ["市就业局"]`,
			`content/measures/a3.md:8:9: "市就业局" is not named before 牵头 in paragraph p7 (the document says “市财政局牵头”)`},
		{"牵头 in the paragraph but no lead", "measures/a3.md", `lead = ["市财政局"]`, "lead = []\npartners = [\"市财政局\"]",
			`content/measures/a3.md:8:1: paragraph p7 says “市财政局牵头”: set lead`},
		{"valid_until in a measure page", "measures/a1.md", "funds = []", "valid_until = 2024-06-30\nfunds = []",
			`content/measures/a1.md:11:1: valid_until does not belong in a measure page`},
		{"org instead of publisher", "site.toml", `publisher = "示例市人民政府"`, `org = "示例市人民政府"`,
			`content/site.toml:7:1: org is no longer used`},
		{"prose figure contradicts a parameter", "measures/a1.md", "| 一次性创业补贴 | {{param startup_amount}}元 |", "| 一次性创业补贴 | 2500元 |",
			`content/measures/a1.md:22:13: 2500元 in the prose of measure a1 is no value of its rules (2000元)`},
		{"unknown param reference", "measures/a1.md", "{{param startup_amount}}", "{{param start_amount}}",
			`content/measures/a1.md:22:13: {{param start_amount}}: no such param in the rules of measure a1`},
		{"valid_until cite without the date", "rules/a1.toml", `cite = "政策实施期限截至2024年6月30日"`, `cite = "对首次创业的居民给予一次性创业补贴2000元"`,
			`content/rules/a1.toml:5:1: 引文没有写明日期 2024年6月30日`},
		{"end date stated twice", "rules/a1.toml", `amount = "startup_amount"`, "amount = \"startup_amount\"\nvalid_until = 2024-06-30\nvalid_cite = \"政策实施期限截至2024年6月30日\"",
			`content/rules/a1.toml:21:1: 本文件的 [validity] 已写明整条措施的期限：截止日期只写一次`},
		{"unknown category", "measures/a1.md", `category = "startup"`, `category = "jobs"`,
			`content/measures/a1.md:7:1: unknown category "jobs"`},
		{"unknown audience", "measures/a1.md", `audiences = ["people"]`, `audiences = ["people", "kids"]`,
			`content/measures/a1.md:10:24: unknown audience "kids"`},
		{"paragraph not in source", "measures/a1.md", `paragraph = "p4"`, `paragraph = "p40"`,
			`content/measures/a1.md:12:1: paragraph "p40" is not in the source document`},
		{"no front matter", "measures/a3.md", "+++\nid", "id",
			`content/measures/a3.md:1:1: missing front matter`},
		{"broken menu link", "site.toml", `url = "/document/"`, `url = "/doc/"`,
			`content/site.toml:17:1: broken link "/doc/"`},
		{"unknown key in site.toml table", "site.toml", "[calculator]\n", "[calculator]\ncolor = 1\n",
			`content/site.toml:41:1: 未知的键 color`},
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
	edit(t, "content/measures/a2.md", `partners = ["市就业局", "市财政局"]`, `partners = ["市交通局", "市财政局"]`)
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
