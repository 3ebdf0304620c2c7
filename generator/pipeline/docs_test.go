package pipeline

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"policyguide/calculator"
	"policyguide/generator/fixture"
)

const docsFixture = "testdata/docs/content"

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func genDocs(t *testing.T, content, date string) *Result {
	t.Helper()
	r, err := Generate(Options{Content: content, Date: day(date), NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func page(t *testing.T, r *Result, name string) string {
	t.Helper()
	b, ok := r.Files[name]
	if !ok {
		t.Fatalf("no %s", name)
	}
	return string(b)
}

func mustContain(t *testing.T, where, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q", where, w)
		}
	}
}

func mustNotContain(t *testing.T, where, s string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(s, w) {
			t.Errorf("%s has %q", where, w)
		}
	}
}

// TestAmendmentByDate: the amended amount (示政办发〔2025〕2号, from 2025-03-01)
// is the one in force on the page and in the calculator only from its date.
func TestAmendmentByDate(t *testing.T) {
	before := genDocs(t, docsFixture, "2025-02-15")
	after := genDocs(t, docsFixture, "2025-03-01")

	b := page(t, before, "measures/x1/index.html")
	mustContain(t, "x1 before", b, "现行标准：1000元/人", "1500元/人（2025年3月1日起执行，尚未生效，依据示政办发〔2025〕2号")
	mustNotContain(t, "x1 before", b, "现行标准：1500")
	a := page(t, after, "measures/x1/index.html")
	mustContain(t, "x1 after", a, "现行标准：1500元/人")
	mustNotContain(t, "x1 after", a, "现行标准：1000", "尚未生效")
	// The amended value's cite links to the later document's paragraph.
	mustContain(t, "x1 after", a, `href="../../documents/shi-2025-2/#p3"`)

	in := func(date string) []byte {
		return []byte(`{"date":"` + date + `","audience":"firms","answers":{"insured":true,"hires":2}}`)
	}
	for _, c := range []struct{ date, amount string }{
		{"2025-02-28", `"value":"2000"`}, {"2025-03-01", `"value":"3000"`}, {"2025-12-31", `"value":"3000"`},
	} {
		out := calculator.Evaluate(after.Program, in(c.date))
		if !bytes.Contains(out, []byte(c.amount)) {
			t.Errorf("calculator on %s: want %s in %s", c.date, c.amount, out)
		}
	}
	// After the continuation ends the benefit has expired.
	if out := calculator.Evaluate(after.Program, in("2026-01-01")); bytes.Contains(out, []byte(`"status":"eligible"`)) {
		t.Errorf("calculator on 2026-01-01 still eligible: %s", out)
	}
	// The end date stated once in x1.toml's [validity] (2024-12-31) is moved
	// by the continuation alone, and the calculator cites the later words.
	out := calculator.Evaluate(after.Program, in("2026-01-01"))
	for _, want := range []string{`"status":"expired"`, "延续实施至2025年12月31日", `documents/shi-2025-2/#p2`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("calculator on 2026-01-01 lacks %s: %s", want, out)
		}
	}
}

// TestRelationsShown: continue, amend and replace appear on the measure pages,
// the document pages and the 政策文件库, with the later document's words.
func TestRelationsShown(t *testing.T) {
	r := genDocs(t, docsFixture, "2025-08-01")
	x1 := page(t, r, "measures/x1/index.html")
	mustContain(t, "x1", x1, "本措施已由", "示政办发〔2025〕2号</a>延续至2025年12月31日",
		"本措施部分内容已由", "调整，自2025年3月1日起执行", "实施期限至2025年12月31日（原定2024年12月31日）")
	mustNotContain(t, "x1", x1, "已到期：")
	x2 := page(t, r, "measures/x2/index.html")
	mustContain(t, "x2", x2, "已废止：", "示政办发〔2025〕9号</a>废止（自2025年7月1日起）",
		"“示政办发〔2024〕1号第二条培训补贴自2025年7月1日起废止”")
	// x3: only one sentence has an end date ([[parts]] in x3.toml).
	mustContain(t, "x3", page(t, r, "measures/x3/index.html"), "部分内容已到期", "春风行动专场招聘：至2025年2月28日（已到期）；其他内容文件未写明截止日期")
	lib := page(t, r, "documents/index.html")
	mustContain(t, "library", lib, `<tbody data-year="2025">`, `<tbody data-year="2024">`,
		`<tr data-status="部分有效"><td>示政办发〔2024〕1号</td>`, `<tr data-status="现行有效"><td>示政办发〔2025〕2号</td>`)
	d2 := page(t, r, "documents/shi-2025-2/index.html")
	mustContain(t, "document 2", d2, `id="p3"`, "发布日期</th><td>2025年1月6日", "主题分类</th><td>劳动、人事",
		"本文件延续", "本文件调整")
	d1 := page(t, r, "document/index.html") // the main document keeps /document/
	mustContain(t, "document 1", d1, "发布日期</th><td>文件未写明", "解读：第一条 吸纳就业补贴", `id="p3"`)
	if _, ok := r.Files["documents/shi-2024-1/index.html"]; !ok {
		t.Error("no redirect from /documents/shi-2024-1/ to /document/")
	}
	// After the continuation ended: x1 and x2 over, x3 has no end date.
	late := genDocs(t, docsFixture, "2026-02-01")
	mustContain(t, "library 2026", page(t, late, "documents/index.html"), `<tr data-status="部分有效"><td>示政办发〔2024〕1号</td>`, "3项措施中2项已到期或被废止")
}

// TestCalendar: the calendar page and the .ics list the dates the documents
// state, and the .ics is valid RFC 5545 line syntax and deterministic.
func TestCalendar(t *testing.T) {
	r := genDocs(t, docsFixture, "2025-02-15")
	cal := page(t, r, "calendar/index.html")
	mustContain(t, "calendar", cal, `datetime="2024-12-31"`, `datetime="2025-03-01"`, `datetime="2025-03-31"`,
		`datetime="2025-07-01"`, `datetime="2025-12-31"`, "一次性吸纳就业补贴集中受理",
		// a date that closes one sentence (x3's [[parts]]) is listed too
		`datetime="2025-02-28"`, "第三条“就业服务”中的“春风行动专场招聘”")
	ics := page(t, r, "calendar.ics")
	mustContain(t, "ics", ics, "BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "DTSTART;VALUE=DATE:20250301\r\n",
		"DTEND;VALUE=DATE:20250401\r\n", "DTSTART;VALUE=DATE:20251231\r\n", "DTSTART;VALUE=DATE:20250701\r\n",
		"DTSTART;VALUE=DATE:20241231\r\n", "DTSTART;VALUE=DATE:20250228\r\n", "END:VCALENDAR\r\n")
	uids := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
		if strings.Contains(l, "\n") {
			t.Errorf("bare LF in %q", l)
		}
		if u, ok := strings.CutPrefix(l, "UID:"); ok {
			if uids[u] {
				t.Errorf("duplicate UID %s", u)
			}
			uids[u] = true
		}
	}
	if n := strings.Count(ics, "BEGIN:VEVENT"); n != len(uids) || n < 5 || strings.Count(ics, "DTSTAMP:") != n {
		t.Errorf("%d events, %d UIDs", n, len(uids))
	}
	// Another reference date changes neither UIDs nor DTSTAMPs.
	other := page(t, genDocs(t, docsFixture, "2030-01-01"), "calendar.ics")
	if other != ics {
		t.Error("calendar.ics depends on the build date")
	}
}

// TestRelationCiteChecked: a relation's cite must be the later document's words.
func TestRelationCiteChecked(t *testing.T) {
	dir := t.TempDir()
	fixture.Copy(t, docsFixture, dir)
	p := filepath.Join(dir, "documents", "shi-2025-9", "document.md")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte("第二条培训补贴自2025年7月1日起废止"), []byte("第二条培训补贴自2025年8月1日起废止"), 1), 0o644)
	_, err := Generate(Options{Content: dir, Date: day("2025-02-15"), NoWasm: true})
	if err == nil || !regexp.MustCompile(`shi-2025-9/document\.md:13:\d+: cite is not in the text`).MatchString(err.Error()) {
		t.Fatalf("want a cite error at document.md:13, got %v", err)
	}
	// A param value citing the wrong document is an error at its line.
	dir = t.TempDir()
	fixture.Copy(t, docsFixture, dir)
	p = filepath.Join(dir, "rules", "x1.toml")
	b, _ = os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`doc = "shi-2025-2"`), []byte(`doc = "shi-2025-9"`), 1), 0o644)
	_, err = Generate(Options{Content: dir, Date: day("2025-02-15"), NoWasm: true})
	if err == nil || !strings.Contains(err.Error(), "x1.toml:9:") || !strings.Contains(err.Error(), "shi-2025-9") {
		t.Fatalf("want a cite error at x1.toml:9 naming shi-2025-9, got %v", err)
	}
}

// TestWarnings: check's warnings on the fixture.
func TestWarnings(t *testing.T) {
	r := genDocs(t, docsFixture, "2025-11-15")
	w := r.Warnings.Error()
	mustContain(t, "warnings", w, "base_url", "measure x1 ends on 2025-12-31, within 60 days",
		"departments.toml:10:", "more than a year ago")
	// A part's own date is warned about too, and the measure is not.
	early := genDocs(t, docsFixture, "2025-01-15").Warnings.Error()
	mustContain(t, "warnings", early, "measure x3: 春风行动专场招聘 ends on 2025-02-28, within 60 days")
	mustNotContain(t, "warnings", early, "measure x3 ends")
	dir := t.TempDir()
	fixture.Copy(t, docsFixture, dir)
	p := filepath.Join(dir, "rules", "x1.toml")
	b, _ := os.ReadFile(p)
	// A cite_hash written for another paragraph text: the paragraph "changed".
	os.WriteFile(p, bytes.Replace(b, []byte(`cite = "企业吸纳登记失业人员就业并缴纳社会保险费的"`),
		[]byte("cite = \"企业吸纳登记失业人员就业并缴纳社会保险费的\"\ncite_hash = \"00000000\""), 1), 0o644)
	r2, err := Generate(Options{Content: dir, Date: day("2025-02-15"), NoWasm: true})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, "warnings", r2.Warnings.Error(), "x1.toml:", "cite_hash", "p3")
}

// TestNoGitHistory: outside a git checkout the build succeeds and says so.
func TestNoGitHistory(t *testing.T) {
	dir := t.TempDir()
	fixture.Copy(t, docsFixture, dir)
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	r := genDocs(t, dir, "2025-02-15")
	mustContain(t, "x1", page(t, r, "measures/x1/index.html"), "修订记录不可用")
	mustContain(t, "updates", page(t, r, "updates/index.html"), "修订记录不可用")
}

// TestRealSiteKeepsURLs: every file the real site had before the move to
// content/documents/ is still built.
func TestRealSiteKeepsURLs(t *testing.T) {
	if _, err := os.Stat("../../content/site.toml"); err != nil {
		t.Skip("no real content")
	}
	r := genDocs(t, "../../content", "2026-01-01")
	f, err := os.Open("testdata/real-urls.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		n++
		if _, ok := r.Files[l]; !ok {
			t.Errorf("%s is no longer built", l)
		}
	}
	if n < 70 {
		t.Fatalf("only %d URLs listed", n)
	}
	mustContain(t, "document", page(t, r, "document/index.html"), `id="p13"`, "解读：第1条")
}
