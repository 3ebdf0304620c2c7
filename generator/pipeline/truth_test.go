package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"policyguide/calculator"
	"policyguide/generator/fixture"
)

// Tests of issue 6 ("truth as a build invariant") on the real content: each
// would have failed on the content before the fix.

const realContent = "../../content"

func buildReal(t *testing.T, content string, day time.Time) *Result {
	t.Helper()
	r, err := Generate(Options{Content: content, Date: day, NoWasm: true})
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return r
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

func text(r *Result, name string) string {
	return tagRe.ReplaceAllString(string(r.Files[name]), "")
}

type measuresFile struct {
	Measures []struct {
		ID          string                  `json:"id"`
		Lead        []struct{ Name string } `json:"lead"`
		Departments []struct{ Name string } `json:"departments"`
		ValidUntil  string                  `json:"valid_until"`
		Status      string                  `json:"status"`
		Parts       []struct {
			Name, ValidUntil string
			Expired          bool
		} `json:"valid_parts"`
	} `json:"measures"`
}

func measures(t *testing.T, r *Result) measuresFile {
	t.Helper()
	var mf measuresFile
	if err := json.Unmarshal(r.Files["data/measures.json"], &mf); err != nil {
		t.Fatal(err)
	}
	return mf
}

// Item 1: in 2024, 第22条 is partly expired, not expired, everywhere.
func TestRealValidityPerPart(t *testing.T) {
	r := buildReal(t, realContent, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	m22 := text(r, "measures/m22/index.html")
	if strings.Contains(m22, "已到期：本措施") || !strings.Contains(m22, "部分内容已到期") || !strings.Contains(m22, "一次性吸纳就业补贴（登记失业半年以上人员）：2023年12月31日届满") {
		t.Errorf("m22 page: want 部分内容已到期 naming the 吸纳就业补贴 only")
	}
	for _, page := range []string{"measures/index.html", "departments/hrss/index.html", "categories/hardship/index.html", "audiences/individuals/index.html"} {
		s := string(r.Files[page])
		i := strings.Index(s, `/measures/m22/"`)
		if i < 0 {
			t.Errorf("%s does not list m22", page)
			continue
		}
		item := s[strings.LastIndex(s[:i], "<li"):i]
		if strings.Contains(item, "is-expired") || !strings.Contains(s[i:i+800], "部分内容已到期") {
			t.Errorf("%s: m22 shown as expired, or without 部分内容已到期", page)
		}
		if j := strings.Index(s, `/measures/m1/"`); j >= 0 && !strings.Contains(s[strings.LastIndex(s[:j], "<li"):j], "is-expired") {
			t.Errorf("%s: m1 (whole measure ended) not shown as expired", page)
		}
	}
	home := text(r, "index.html")
	if i := strings.Index(home, "实施期限已届满："); i < 0 || strings.Contains(home[i:i+400], "第22条") {
		t.Errorf("home page lists 第22条 among expired measures")
	}
	for _, m := range measures(t, r).Measures {
		switch m.ID {
		case "m22", "m12", "m16":
			if m.ValidUntil != "" || m.Status != "partly_expired" || len(m.Parts) != 1 || !m.Parts[0].Expired {
				t.Errorf("measures.json %s: valid_until %q status %q parts %+v", m.ID, m.ValidUntil, m.Status, m.Parts)
			}
		case "m1", "m8", "m18":
			if m.ValidUntil != "2023-12-31" || m.Status != "expired" {
				t.Errorf("measures.json %s: valid_until %q status %q", m.ID, m.ValidUntil, m.Status)
			}
		default:
			if m.ValidUntil != "" || len(m.Parts) != 0 || m.Status != "" {
				t.Errorf("measures.json %s: the document states no end date, got %q %+v", m.ID, m.ValidUntil, m.Parts)
			}
		}
	}
	// The calculator (same program) agrees.
	res := calculator.Eval(r.Program, calculator.Input{Date: "2024-03-01", Answers: []calculator.Member{
		{Key: "ind_graduate", Value: calculator.Bol(true)}, {Key: "ind_hardship_graduate", Value: calculator.Bol(true)}}})
	for _, b := range res.Results {
		if b.Benefit == "m22-jobseek" && b.Status == calculator.Expired {
			t.Errorf("m22-jobseek expired in the calculator")
		}
	}
}

// Item 3: 牵头 only where the document says it.
func TestRealLeadOnlyWhereStated(t *testing.T) {
	r := buildReal(t, realContent, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	want := map[string]bool{"m2": true, "m5": true, "m6": true, "m7": true, "m17": true, "m18": true, "m19": true, "m20": true}
	for _, m := range measures(t, r).Measures {
		if (len(m.Lead) > 0) != want[m.ID] {
			t.Errorf("%s: lead %v; the document says 牵头 only in 第2、5、6、7、17–20条", m.ID, m.Lead)
		}
	}
	if s := text(r, "departments/hrss/index.html"); !strings.Contains(s, "文件写明由其牵头的措施8项") {
		t.Errorf("市人社局 page should say it leads 8 measures")
	}
	for _, d := range []string{"pbc-qingyang", "organization", "market-regulation", "development-reform", "finance"} {
		if s := text(r, "departments/"+d+"/index.html"); strings.Contains(s, "牵头") {
			t.Errorf("%s page claims 牵头", d)
		}
	}
	if s := text(r, "measures/m3/index.html"); strings.Contains(s, "牵头部门") || !strings.Contains(s, "负责部门（按文件所列）") {
		t.Errorf("m3 page should list 负责部门（按文件所列） without 牵头")
	}
}

// Item 4: the document's issuer is not presented as the site's publisher.
func TestRealNoFalsePublisher(t *testing.T) {
	r := buildReal(t, realContent, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	for name, b := range r.Files {
		if strings.Contains(string(b), "发布单位：庆阳市人民政府办公室") {
			t.Errorf("%s names the document's issuer as publisher", name)
		}
	}
	if strings.Contains(string(r.Files["feed.xml"]), "<author><name>庆阳市人民政府办公室</name>") {
		t.Errorf("feed author is the document's issuer")
	}
	if !strings.Contains(text(r, "document/index.html"), "庆阳市人民政府办公室") {
		t.Errorf("the document page should still show its issuer")
	}
}

// Items 6–8: qualifiers kept, help texts add nothing, work plans read as such.
func TestRealWordsKept(t *testing.T) {
	r := buildReal(t, realContent, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	list := text(r, "measures/index.html")
	for _, w := range []string{"原则上2023年新招聘的社区工作者岗位", "2023年可给予一次性增人增资"} {
		if !strings.Contains(list, w) {
			t.Errorf("measure list summary lacks %q", w)
		}
	}
	if s := text(r, "measures/m8/index.html"); !strings.Contains(s, "文件写的是“前述三类人员”，但前文列出的是") {
		t.Errorf("m8 page does not say that 前述三类人员 lists two")
	}
	for _, q := range r.Program.Questions {
		if q.ID == "retention_rate" && !strings.Contains(q.Help, "文件没有写明留用率怎么计算") {
			t.Errorf("retention_rate help adds a definition the document lacks: %q", q.Help)
		}
	}
	for _, m := range []string{"m3", "m17", "m20", "m24", "m25"} {
		s := text(r, "measures/"+m+"/index.html")
		if !strings.Contains(s, "工作安排") {
			t.Errorf("%s does not say it is a work plan", m)
		}
	}
	for _, task := range []string{"持续提高存贷比", "均等化、智慧化"} {
		for _, m := range []string{"m3", "m24"} {
			s := text(r, "measures/"+m+"/index.html")
			if i := strings.Index(s, "能得到什么"); i >= 0 {
				if j := strings.Index(s[i:], "原文"); j >= 0 && strings.Contains(s[i:i+j], task) {
					t.Errorf("%s lists the internal task %q under 能得到什么", m, task)
				}
			}
		}
	}
}

// One home for every fact: changing one amount in a rules file changes the
// page, rules.json and the calculator together.
func TestChangeOneLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "content")
	fixture.Copy(t, realContent, dir)
	day := time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)
	absorb := func(r *Result, date string) string {
		res := calculator.Eval(r.Program, calculator.Input{Date: date, Answers: []calculator.Member{
			{Key: "firm_type", Value: calculator.Str("small_micro")}, {Key: "hires_1yr", Value: calculator.Value{Kind: calculator.Number, Text: "2"}},
			{Key: "hires_insured", Value: calculator.Value{Kind: calculator.Number, Text: "0"}}, {Key: "m8_both", Value: calculator.Value{Kind: calculator.Number, Text: "0"}}}})
		for _, b := range res.Results {
			if b.Benefit == "m8-absorb" {
				return b.Amount.Value
			}
		}
		return ""
	}
	before := buildReal(t, dir, day)
	if !strings.Contains(text(before, "measures/m8/index.html"), "每人1000元") || absorb(before, "2023-12-01") != "2000" {
		t.Fatalf("unexpected starting point: %q", absorb(before, "2023-12-01"))
	}
	// The README's walk-through: one new line with its own date (the cite
	// would be the amending document's words; here the same words stand in).
	// check then names the worked example whose amount changed with it.
	rulesFile := filepath.Join(dir, "rules", "m08.toml")
	b, _ := os.ReadFile(rulesFile)
	old := `values = [ { from = 2023-10-27, value = "1000", cite = "签订1年以上劳动合同的,按每人1000元标准给予一次性吸纳就业补贴,所需资金从就业补助资金中列支" } ]`
	changed := strings.Replace(string(b), old, strings.TrimSuffix(old, " ]")+`,
  { from = 2023-11-15, value = "1200", cite = "按每人1000元标准给予一次性吸纳就业补贴" },
]`, 1)
	changed = strings.Replace(changed, `{ benefit = "m8-absorb", status = "expired", amount = "2000" }`, `{ benefit = "m8-absorb", status = "expired", amount = "2400" }`, 1)
	if changed == string(b) {
		t.Fatal("m08.toml: the absorb amount line was not found")
	}
	os.WriteFile(rulesFile, []byte(changed), 0o644)
	after := buildReal(t, dir, day)
	page := text(after, "measures/m8/index.html")
	if !strings.Contains(page, "每人1200元") || strings.Contains(page[:strings.Index(page, "原文")], "每人1000元") {
		t.Errorf("m8 page did not follow the rules")
	}
	if !strings.Contains(text(after, "measures/index.html"), "可获每人1200元一次性吸纳就业补贴") {
		t.Errorf("m8 summary did not follow the rules")
	}
	if !strings.Contains(string(after.Files["data/rules.json"]), `"value": "1200"`) {
		t.Errorf("rules.json did not change")
	}
	if got := absorb(after, "2023-12-01"); got != "2400" {
		t.Errorf("calculator on 2023-12-01: %s, want 2400", got)
	}
	if got := absorb(after, "2023-11-01"); got != "2000" {
		t.Errorf("calculator on 2023-11-01 (before the change): %s, want 2000", got)
	}
	// A figure typed into the prose instead of referenced is now stale: the build fails.
	md := filepath.Join(dir, "measures", "m08.md")
	mb, _ := os.ReadFile(md)
	os.WriteFile(md, []byte(strings.Replace(string(mb), "每人{{param m8_absorb_per_person}}元", "每人1000元", 1)), 0o644) // the old figure, typed
	_, err := Generate(Options{Content: dir, Date: day, NoWasm: true})
	if err == nil || !strings.Contains(err.Error(), "1000元 in the prose of measure m8 is no value of its rules") {
		t.Errorf("stale prose figure not rejected: %v", err)
	}
}

// The amounts list on a measure page invents no start date (the document
// states none: its values are shown "依据" the document, not "…起"), and a
// value of a part that has ended is not called 现行.
func TestRealAmountsNoStartNoStaleCurrent(t *testing.T) {
	r := buildReal(t, realContent, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	for name, b := range r.Files {
		if strings.HasPrefix(name, "measures/") && strings.Contains(string(b), "2023年10月27日起") {
			t.Errorf("%s gives the issue date as a start date", name)
		}
	}
	m22 := text(r, "measures/m22/index.html")
	if strings.Contains(m22, "现行标准") {
		t.Errorf("m22 calls a value 现行 although its 吸纳就业补贴 part ended on 2023-12-31")
	}
	if !strings.Contains(m22, "依据庆政办发〔2023〕102号") {
		t.Errorf("m22 amounts do not name the document they rest on")
	}
}
