package compile

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"policyguide/calculator"
)

// contentDir is the real site content, relative to this package.
const contentDir = "../../content"

// loadContent reads the real content the way the generator does, or skips
// the test when there is no content (yet).
func loadContent(t testing.TB) Sources {
	t.Helper()
	qpath := filepath.Join(contentDir, "calculator", "questions.toml")
	if _, err := os.Stat(qpath); err != nil {
		t.Skip("no content/calculator/questions.toml yet")
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// The source document, without the web-page leftovers from drop_from on.
	var doc struct {
		Source   string    `toml:"source"`
		DropFrom string    `toml:"drop_from"`
		Number   string    `toml:"number"`
		Date     time.Time `toml:"date"`
	}
	docDir := filepath.Join(contentDir, "documents", "qingzhengbanfa-2023-102")
	fm := frontMatter(read(filepath.Join(docDir, "document.md")))
	if _, err := toml.Decode(string(fm), &doc); err != nil {
		t.Fatal(err)
	}
	source := read(filepath.Join(docDir, doc.Source))
	if doc.DropFrom != "" {
		if i := bytes.Index(source, []byte("\n"+doc.DropFrom)); i >= 0 {
			source = source[:i+1]
		}
	}
	src := Sources{
		Questions: File{Name: "content/calculator/questions.toml", Src: read(qpath)},
		Source:    source,
		Anchor:    anchorIn(source),
		Audiences: []string{"individuals", "enterprises", "hr-agencies", "government"},
		Basis:     calculator.MakeDate(doc.Date.Year(), int(doc.Date.Month()), doc.Date.Day()),
		BasisName: doc.Number,
	}
	lines := strings.Split(string(source), "\n")
	paras := map[string]string{}
	mds, _ := filepath.Glob(filepath.Join(contentDir, "measures", "*.md"))
	for _, md := range mds {
		var m struct {
			ID        string `toml:"id"`
			Paragraph string `toml:"paragraph"`
		}
		toml.Decode(string(frontMatter(read(md))), &m)
		src.Measures = append(src.Measures, m.ID)
		paras[m.ID] = m.Paragraph
	}
	src.Paragraph = func(measure string) (string, string, bool) {
		a := paras[measure]
		n, err := strconv.Atoi(strings.TrimPrefix(a, "p"))
		if err != nil || n < 1 || n > len(lines) {
			return "", "", false
		}
		return a, lines[n-1], true
	}
	var deps struct {
		Departments []struct {
			Name string `toml:"name"`
		} `toml:"departments"`
	}
	toml.Decode(string(read(filepath.Join(contentDir, "departments.toml"))), &deps)
	for _, d := range deps.Departments {
		src.Departments = append(src.Departments, d.Name)
	}
	files, _ := filepath.Glob(filepath.Join(contentDir, "rules", "*.toml"))
	sort.Strings(files)
	for _, f := range files {
		src.Rules = append(src.Rules, File{Name: "content/rules/" + filepath.Base(f), Src: read(f)})
	}
	return src
}

// frontMatter returns the TOML between the +++ lines.
func frontMatter(b []byte) []byte {
	s := string(b)
	if !strings.HasPrefix(s, "+++\n") {
		return nil
	}
	end := strings.Index(s[4:], "\n+++")
	if end < 0 {
		return nil
	}
	return []byte(s[4 : 4+end+1])
}

// TestContent compiles the real rules and runs every worked example.
func TestContent(t *testing.T) {
	_, errs := Compile(loadContent(t))
	for _, e := range errs {
		t.Error(e)
	}
}

// TestCloserThresholds: for every numeric threshold of the document the
// engine names the nearest answer that changes the result, and that answer
// does change it.
func TestCloserThresholds(t *testing.T) {
	prog, errs := Compile(loadContent(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		name, audience, answers, benefit, question, value, text string
	}{
		{"5.5%", "enterprises", `{"firm_type":"large","firm_insured":true,"layoffs":12,"staff":200,"premiums":100000}`,
			"m1-return", "layoffs", "11", "上年度裁减人数为12人；不超过11人即可符合"},
		{"20%", "enterprises", `{"firm_type":"small_micro","firm_insured":true,"layoffs":7,"staff":30,"premiums":30000}`,
			"m1-return", "layoffs", "6", "上年度裁减人数为7人；不超过6人即可符合"},
		{"30 insured", "enterprises", `{"firm_type":"small_micro","firm_insured":true,"layoffs":6,"staff":31,"premiums":30000}`,
			"m1-return", "staff", "30", "上年度参保职工总数为31人；若为30人即可符合"},
		{"留用率 50%", "enterprises", `{"interns":10,"intern_months":6,"retention_rate":"49.9"}`,
			"m12-stipend", "retention_rate", "50", "留用率为49.9%；达到50%时，见习补贴标准（按留用率）为1,200元/人/月（现为1,000元/人/月）"},
		{"留用率 60%", "enterprises", `{"interns":10,"intern_months":6,"retention_rate":"55"}`,
			"m12-stipend", "retention_rate", "60", ""},
		{"留用率 70%", "enterprises", `{"interns":10,"intern_months":6,"retention_rate":"69.99"}`,
			"m12-stipend", "retention_rate", "70", ""},
		{"1年 insured", "individuals", `{"ind_enterprise_employee":true,"ind_receiving_ui":false,"ind_ui_months":8,"ind_cert_level":"junior","ind_skill_claims_year":0,"ind_same_cert_claimed":false}`,
			"m18-skill-upgrade", "ind_ui_months", "12", "参加失业保险月数为8个月；不少于12个月即可符合"},
		{"10万 loan", "individuals", `{"ind_startup":true,"ind_loan_amount":"12万"}`,
			"m16-no-counter-guarantee", "ind_loan_amount", "100000", "打算申请的贷款金额为120,000元；不超过100,000元即可符合"},
		{"possible: one answer decides", "enterprises", `{}`,
			"m15-park-support", "firm_startup_park", "true", ""},
	}
	for _, c := range cases {
		in, _ := calculator.DecodeInput([]byte(`{"date":"2023-11-01","audience":"` + c.audience + `","answers":` + c.answers + `}`))
		res := calculator.Eval(prog, in)
		var got *calculator.BenefitResult
		for i := range res.Results {
			if res.Results[i].Benefit == c.benefit {
				got = &res.Results[i]
			}
		}
		if got == nil {
			t.Fatalf("%s: no result for %s", c.name, c.benefit)
		}
		var hit *calculator.Closer
		for i := range got.Closer {
			if got.Closer[i].Question == c.question {
				hit = &got.Closer[i]
			}
		}
		if hit == nil || hit.Value != c.value || c.text != "" && hit.Text != c.text {
			t.Errorf("%s: closer %+v, want %s = %s %q", c.name, got.Closer, c.question, c.value, c.text)
			continue
		}
		// the named answer really changes the result
		answers := strings.TrimSuffix(c.answers, "}")
		if answers != "{" {
			answers += ","
		}
		v := hit.Value
		if v != "true" && v != "false" {
			v = `"` + v + `"`
		}
		answers += `"` + c.question + `":` + v + "}"
		in2, _ := calculator.DecodeInput([]byte(`{"date":"2023-11-01","audience":"` + c.audience + `","answers":` + answers + `}`))
		for _, r := range calculator.Eval(prog, in2).Results {
			if r.Benefit != c.benefit {
				continue
			}
			if r.Status == got.Status && r.Amount.Value == got.Amount.Value {
				t.Errorf("%s: answering %s = %s changes nothing (%s %s)", c.name, c.question, hit.Value, r.Status, r.Amount.Value)
			}
		}
	}
}
