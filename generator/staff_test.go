package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"policyguide/generator/fixture"
)

// TestStaffFlow is a staff member's day on the fixture of three fictional
// documents: new measure → fill it in → check → git commit → build. The
// built site shows the commit in the measure's 修订记录, on 最近更新 and in
// the feed; the calendar lists the documents' dates; the amended amount is
// the current one only from its date.
func TestStaffFlow(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	content := filepath.Join(root, "content")
	fixture.Copy(t, "pipeline/testdata/docs/content", content)
	git := func(date string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=测试员", "-c", "user.email=staff@example.test", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("2025-01-06T09:00:00+08:00", "init", "-q")
	git("2025-01-06T09:00:00+08:00", "add", "-A")
	git("2025-01-06T09:00:00+08:00", "commit", "-q", "-m", "初始内容")

	var out, errb bytes.Buffer
	cli := func(args ...string) int {
		out.Reset()
		errb.Reset()
		return run(args, strings.NewReader(""), &out, &errb)
	}
	// 1. new
	if c := cli("new", "measure", "--content", content, "--document", "shi-2025-2", "--id", "x4"); c != 0 {
		t.Fatalf("new measure: %d %s", c, errb.String())
	}
	if c := cli("new", "measure", "--content", content, "--document", "shi-2025-2", "--id", "x4"); c == 0 {
		t.Fatal("new measure overwrote an existing file")
	}
	// 2. check refuses the unfilled skeleton, naming file and line
	if c := cli("check", "--content", content, "--date", "2025-03-15"); c != 1 || !regexp.MustCompile(`measures/x4\.md:5:\d+: not filled in yet`).MatchString(errb.String()) {
		t.Fatalf("check of an unfilled skeleton: %d\n%s", c, errb.String())
	}
	// 3. edit: fill every 【请填写…】
	p := filepath.Join(content, "measures", "x4.md")
	skel, _ := os.ReadFile(p)
	fill := map[string]string{
		"label": `"第三条"`, "title": `"集中受理吸纳就业补贴申请"`, "summary": `"2025年3月集中受理一次性吸纳就业补贴申请。"`,
		"category": `"jobs"`, "partners": `[]`, "audiences": `["firms"]`, // paragraph p4 names no department
		"valid_note": `"文件未规定截止日期"`, "paragraph": `"p4"`,
	}
	var lines []string
	for _, l := range strings.Split(string(skel), "\n") {
		if !strings.Contains(l, "【请填写") {
			lines = append(lines, l)
			continue
		}
		k, _, isKey := strings.Cut(l, " = ")
		k = strings.TrimSpace(k)
		switch {
		case k == "duty":
			continue // the paragraph says nothing about responsibility
		case isKey && fill[k] != "":
			lines = append(lines, k+" = "+fill[k])
		case isKey:
			t.Fatalf("no value for skeleton key %q", k)
		default:
			lines = append(lines, "2025年3月1日至3月31日集中受理一次性吸纳就业补贴申请。")
		}
	}
	os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
	if !strings.Contains(string(skel), "示例（仅为说明）") {
		t.Error("the skeleton has no worked example marked 示例")
	}
	// Dates live in the rules file only; 牵头 only where the document says it.
	if regexp.MustCompile(`(?m)^valid_until`).Match(skel) || !strings.Contains(string(skel), "lead = []\n") {
		t.Errorf("the measure skeleton writes the old conventions:\n%s", skel)
	}
	// 4. check passes
	if c := cli("check", "--content", content, "--date", "2025-03-15"); c != 0 {
		t.Fatalf("check of the filled measure: %d\n%s", c, errb.String())
	}
	// 5. commit
	git("2025-03-02T10:00:00+08:00", "add", "-A")
	git("2025-03-02T10:00:00+08:00", "commit", "-q", "-m", "新增第三条：集中受理")
	hash := git("2025-03-02T10:00:00+08:00", "rev-parse", "HEAD")
	// 6. build
	build := func(date string) string {
		pub := filepath.Join(root, "public-"+date)
		if c := cli("build", "--content", content, "--out", pub, "--date", date); c != 0 {
			t.Fatalf("build: %d\n%s", c, errb.String())
		}
		return pub
	}
	pub := build("2025-03-15")
	read := func(dir, name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	x4 := read(pub, "measures/x4/index.html")
	for _, want := range []string{"修订记录", `最后更新：<time datetime="2025-03-02">2025年3月2日</time>`, "新增第三条：集中受理",
		`href="https://git.example.test/shili/guide/commit/` + hash + `"`} {
		if !strings.Contains(x4, want) {
			t.Errorf("x4 page lacks %q", want)
		}
	}
	if strings.Contains(x4, "初始内容") {
		t.Error("x4's history lists a commit that did not touch it")
	}
	for name, want := range map[string]string{
		"updates/index.html":              "新增第三条：集中受理",
		"feed.xml":                        "<title>新增第三条：集中受理</title>",
		"documents/shi-2025-2/index.html": "解读：第三条 集中受理吸纳就业补贴申请",
		"calendar/index.html":             `<time datetime="2025-03-01">2025年3月1日</time>至<time datetime="2025-03-31">`,
		"calendar.ics":                    "DTSTART;VALUE=DATE:20250301\r\nDTEND;VALUE=DATE:20250401\r\n",
		"measures/x1/index.html":          "现行标准：1500元/人",
	} {
		if !strings.Contains(read(pub, name), want) {
			t.Errorf("%s lacks %q", name, want)
		}
	}
	// Before the amendment's date the page shows the earlier amount as current.
	early := build("2025-02-20")
	if x1 := read(early, "measures/x1/index.html"); !strings.Contains(x1, "现行标准：1000元/人") || strings.Contains(x1, "现行标准：1500") {
		t.Error("before 2025-03-01 the page does not show 1000元/人 as the current amount")
	}
	// Same commit, same bytes: history comes from commit dates, not the clock.
	again := build("2025-03-15")
	if read(again, "measures/x4/index.html") != x4 || read(again, "feed.xml") != read(pub, "feed.xml") {
		t.Error("two builds of the same commit differ")
	}
}

// TestNewDocument: the document skeleton fails check until filled, then passes
// and the new document is in the 政策文件库.
func TestNewDocument(t *testing.T) {
	content := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, "pipeline/testdata/docs/content", content)
	var out, errb bytes.Buffer
	if c := run([]string{"new", "document", "--content", content, "--id", "shi-2026-1"}, nil, &out, &errb); c != 0 {
		t.Fatalf("new document: %d %s", c, errb.String())
	}
	if c := run([]string{"check", "--content", content}, nil, &out, &errb); c != 1 || !strings.Contains(errb.String(), "shi-2026-1/document.md:3:10: not filled in yet") {
		t.Fatalf("unfilled document passed check or was not named: %s", errb.String())
	}
	dir := filepath.Join(content, "documents", "shi-2026-1")
	skel, _ := os.ReadFile(filepath.Join(dir, "document.md"))
	vals := map[string]string{"title": `"示例市关于测试的通知"`, "number": `"示政办发〔2026〕1号"`,
		"issuer": `"示例市人民政府办公室"`, "date": "2026-01-05", "published": "2026-01-06"}
	var lines []string
	for _, l := range strings.Split(string(skel), "\n") {
		if strings.Contains(l, "【请填写") {
			k, _, _ := strings.Cut(l, " = ")
			if v, ok := vals[strings.TrimSpace(k)]; ok {
				lines = append(lines, strings.TrimSpace(k)+" = "+v)
			}
			continue // validity, topic, intro: not stated, so left out
		}
		lines = append(lines, l)
	}
	os.WriteFile(filepath.Join(dir, "document.md"), []byte(strings.Join(lines, "\n")), 0o644)
	os.WriteFile(filepath.Join(dir, "source.txt"), []byte("示例市关于测试的通知\n一、测试。\n"), 0o644)
	errb.Reset()
	if c := run([]string{"check", "--content", content, "--date", "2026-01-10"}, nil, &out, &errb); c != 0 {
		t.Fatalf("filled document fails check: %s", errb.String())
	}
}

// TestNewMeasureRules: the rules skeleton (new measure --rules) fails check
// until filled, then passes; it states no end date of its own.
func TestNewMeasureRules(t *testing.T) {
	content := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, "pipeline/testdata/docs/content", content)
	var out, errb bytes.Buffer
	if c := run([]string{"new", "measure", "--content", content, "--document", "shi-2025-2", "--id", "x5", "--rules"}, nil, &out, &errb); c != 0 {
		t.Fatalf("new measure --rules: %d %s", c, errb.String())
	}
	if c := run([]string{"check", "--content", content, "--date", "2025-06-01"}, nil, &out, &errb); c != 1 || !strings.Contains(errb.String(), "rules/x5.toml:") {
		t.Fatalf("unfilled rules skeleton passed check or was not named: %s", errb.String())
	}
	fill := func(name string, vals map[string]string, drop map[string]bool, repl ...string) {
		p := filepath.Join(content, name)
		b, _ := os.ReadFile(p)
		s := strings.NewReplacer(repl...).Replace(string(b))
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			k, _, isKey := strings.Cut(l, " = ")
			k = strings.TrimSpace(k)
			switch {
			case !strings.Contains(l, "【请填写"):
				lines = append(lines, l)
			case drop[k]:
			case isKey && vals[k] != "":
				lines = append(lines, k+" = "+vals[k])
			case isKey:
				t.Fatalf("%s: no value for skeleton key %q", name, k)
			default:
				lines = append(lines, "一次性吸纳就业补贴标准调整为每人1500元。")
			}
		}
		os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
	}
	fill("measures/x5.md", map[string]string{"label": `"第二条"`, "title": `"调整吸纳就业补贴标准"`,
		"summary": `"一次性吸纳就业补贴标准调整为每人1500元。"`, "category": `"jobs"`, "partners": `[]`,
		"audiences": `["firms"]`, "paragraph": `"p3"`}, map[string]bool{"duty": true, "valid_note": true})
	fill("rules/x5.toml", map[string]string{"label": `"一次性吸纳就业补贴标准"`, "name": `"一次性吸纳就业补贴"`,
		"audience": `["firms"]`, "departments": `["市就业局"]`, "persons": `"hires"`, "expr": `"insured && hires > 0"`,
		"answers": `{ insured = true, hires = 1 }`},
		nil,
		`from = 2025-01-01, value = "1000", cite = "【请填写：原文写明这个金额的原话】"`, `from = 2025-03-01, value = "1500", cite = "一次性吸纳就业补贴标准调整为每人1500元"`,
		`label = "【请填写：条件，用通俗的话】"`, `label = "吸纳就业"`,
		`cite = "【请填写：原文写明这个条件的原话】"`, `cite = "一次性吸纳就业补贴"`,
		`name = "示例：【请填写】"`, `name = "示例：吸纳1人"`,
		`amount = "1000"`, `amount = "1500"`)
	rules, _ := os.ReadFile(filepath.Join(content, "rules", "x5.toml"))
	if regexp.MustCompile(`(?m)^(valid_until|until) =`).Match(rules) || !strings.Contains(string(rules), "[validity]") || !strings.Contains(string(rules), "[[parts]]") {
		t.Errorf("the rules skeleton should show [validity] and [[parts]] as commented examples and state no date:\n%s", rules)
	}
	errb.Reset()
	if c := run([]string{"check", "--content", content, "--date", "2025-06-01"}, nil, &out, &errb); c != 0 {
		t.Fatalf("filled rules skeleton fails check: %s\n%s", errb.String(), rules)
	}
}
