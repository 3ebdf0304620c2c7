package match

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"policyguide/generator/pipeline"
)

const goodHead = "audience = \"enterprises\"\ndate = 2023-11-01\n"

// TestBadMapping: every mistake in a mapping file is reported at its
// file:line:col, all at once, and nothing is matched.
func TestBadMapping(t *testing.T) {
	p := program(t)
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"unknown question", goodHead + "[[columns]]\ncolumn = \"人数\"\nquestion = \"staf\"\n",
			[]string{`map.toml:5:1: unknown question "staf"`}},
		{"question of another audience", goodHead + "[[columns]]\ncolumn = \"x\"\nquestion = \"ind_graduate\"\n",
			[]string{`map.toml:5:1: question "ind_graduate" is not asked to audience "enterprises"`}},
		{"unknown key", goodHead + "[[columns]]\ncolumn = \"x\"\nquestion = \"staff\"\nunits = \"万元\"\n",
			[]string{`map.toml:6:1: 未知的键 units`}},
		{"unknown audience", "audience = \"firms\"\n[[columns]]\ncolumn = \"x\"\nquestion = \"staff\"\n",
			[]string{`map.toml:1:1: unknown audience "firms"`}},
		{"no audience", "[[columns]]\ncolumn = \"x\"\nquestion = \"staff\"\n",
			[]string{`map.toml:1:1: audience is missing`}},
		{"bad option", goodHead + "[[columns]]\ncolumn = \"类型\"\nquestion = \"firm_type\"\nvalues = { \"小微\" = \"small\" }\n",
			[]string{`map.toml:6:12: values["小微"]: "small" is not an option of question "firm_type"`}},
		{"bool value", goodHead + "[fixed]\nfirm_insured = \"yes\"\n",
			[]string{`map.toml:4:1: question "firm_insured" is yes/no`}},
		{"unit not convertible", goodHead + "[[columns]]\ncolumn = \"人数\"\nquestion = \"staff\"\nunit = \"万人\"\n",
			[]string{`map.toml:6:1: cannot convert "万人"`}},
		{"unit on a choice", goodHead + "[[columns]]\ncolumn = \"类型\"\nquestion = \"firm_type\"\nunit = \"万元\"\n",
			[]string{`map.toml:5:1: unit and scale are for number questions`}},
		{"bad scale", goodHead + "[[columns]]\ncolumn = \"x\"\nquestion = \"premiums\"\nscale = \"1,000\"\n",
			[]string{`map.toml:6:1: scale "1,000" is not a positive decimal number`}},
		{"twice the same question", goodHead + "[[columns]]\ncolumn = \"a\"\nquestion = \"staff\"\n[[columns]]\ncolumn = \"b\"\nquestion = \"staff\"\n",
			[]string{`map.toml:8:1: question "staff" is already answered by columns[0]`}},
		{"missing column", goodHead + "[[columns]]\nquestion = \"staff\"\n",
			[]string{`map.toml:3:1: column is missing`}},
		{"syntax", goodHead + "[[columns]\n", []string{`map.toml:4:`, `TOML 格式错误`}},
		{"several at once", goodHead + "[[columns]]\ncolumn = \"a\"\nquestion = \"nope\"\n[[columns]]\ncolumn = \"b\"\nquestion = \"nope2\"\n",
			[]string{`map.toml:5:1: unknown question "nope"`, `map.toml:8:1: unknown question "nope2"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := LoadMapping("map.toml", []byte(c.src), p)
			if err == nil {
				t.Fatalf("no error; mapping %+v", m)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

// TestUnknownColumn: a column the register does not have fails before any
// row is evaluated or written, at the mapping's line, naming the columns
// the register has.
func TestUnknownColumn(t *testing.T) {
	p := program(t)
	src := goodHead + "keep = [\"名称\"]\n[[columns]]\ncolumn = \"参保人数\"\nquestion = \"staff\"\n"
	for _, c := range []struct {
		format, in string
		want       []string
	}{
		{CSV, "单位名称,参保人数\n甲,3\n", []string{`map.toml:3:1: column "名称" is not in register (its columns: "单位名称", "参保人数")`}},
		{CSV, "\xEF\xBB\xBF名称,参保职工\n甲,3\n", []string{`map.toml:5:1: column "参保人数" is not in register`}},
		{CSV, "名称,参保人数,参保人数\n甲,3,4\n", []string{`map.toml:5:1: column "参保人数" occurs 2 times`}},
		{JSONL, `{"名称":"甲","参保":3}` + "\n", []string{`map.toml:5:1: column "参保人数" is not in register (first line)`}},
		{CSV, "\xc3\xfb\xb3\xc6,x\n", []string{`register:1: the header is not UTF-8`}},
		{CSV, "", []string{`register: the register is empty`}},
	} {
		var out bytes.Buffer
		_, err := Run(Options{Program: p, Mapping: mustMapping(t, p, src), Input: strings.NewReader(c.in), InputName: "register",
			InFormat: c.format, Output: &out, OutFormat: CSV})
		if err == nil {
			t.Fatalf("%q: no error", c.in)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error\n%v\ndoes not contain\n%s", c.in, err, w)
			}
		}
		if out.Len() != 0 {
			t.Errorf("%q: output written before the mapping was checked: %q", c.in, out.String())
		}
	}
	// With the BOM stripped, the same header binds.
	if _, err := Run(Options{Program: p, Mapping: mustMapping(t, p, src), Input: strings.NewReader("\xEF\xBB\xBF名称,参保人数\n甲,3\n"),
		InputName: "register", InFormat: CSV, Output: &bytes.Buffer{}, OutFormat: CSV}); err != nil {
		t.Fatal(err)
	}
}

// TestBadRows: each bad row or cell is reported with its line and column,
// in the output and the summary; the rows around it are matched as usual.
func TestBadRows(t *testing.T) {
	p := program(t)
	src := goodHead + `keep = ["名称"]
[fixed]
firm_insured = true
[[columns]]
column = "类型"
question = "firm_type"
values = { "小微" = "small_micro", "不详" = "unknown" }
[[columns]]
column = "裁员"
question = "layoffs"
[[columns]]
column = "参保"
question = "staff"
[[columns]]
column = "缴费（万元）"
question = "premiums"
unit = "万元"
`
	csvIn := "名称,类型,裁员,参保,缴费（万元）\n" +
		"甲,小微,0,25,1.2\n" + // line 2: fine, 72000×… eligible
		"乙,巨型,0,25,1.2\n" + // 3: unknown label
		"丙,小微,0,25,\"1,2\"\n" + // 4: thousands separator in a number
		"丁,小微,0,25\n" + // 5: too few fields
		"\xce\xec,小微,0,25,1\n" + // 6: GBK
		"戊,小微,-3,2.5,1\n" + // 7: two bad cells
		"己,\"小\"微\",0,25,1\n" + // 8: bad quote
		"庚,不详,,25,99999999999999999\n" + // 9: overflow after conversion; empty = 不确定
		"\"=HYPERLINK(\"\"x\"\")\",小型企业或微型企业,0,25,1.2\n" // 10: fine (option label), name guarded
	want := []string{
		"第3行 列“类型”：“巨型”不是可选的答案",
		"第4行 列“缴费（万元）”：“1,2”不是有效的数字",
		"第5行：这一行有4列，表头有5列；本行未计算",
		"第6行：这一行不是UTF-8编码",
		"第7行 列“裁员”：不能为负数",
		"第7行 列“参保”：“2.5”不是整数",
		"第8行：这一行不是有效的CSV",
		"第9行 列“缴费（万元）”：“99999999999999999”换算单位后数值过大",
	}
	sum, out := run(t, p, mustMapping(t, p, src), []byte(csvIn), CSV, CSV, false)
	text := string(out)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if sum.Rows != 9 || sum.NotRead != 3 || sum.WithError != 7 {
		t.Errorf("summary: %d rows, %d not read, %d with errors; want 9, 3, 7", sum.Rows, sum.NotRead, sum.WithError)
	}
	var listed bytes.Buffer
	sum.WriteText(&listed)
	for _, w := range []string{"register:3: 列“类型”：“巨型”不是可选的答案", "register:5: 这一行有4列", "register:7: 列“参保”："} {
		if !strings.Contains(listed.String(), w) {
			t.Errorf("summary lacks %q:\n%s", w, listed.String())
		}
	}
	lines := strings.Split(strings.TrimSpace(text), "\r\n")
	if len(lines) != 10 {
		t.Fatalf("%d output lines, want header + 9:\n%s", len(lines), text)
	}
	for i, l := range lines[1:] {
		if !strings.HasPrefix(l, strings.Split("2,3,4,5,6,7,8,9,10", ",")[i]+",") {
			t.Errorf("output line %d is %q", i+2, l)
		}
	}
	if !strings.HasPrefix(lines[1], "2,甲,2023-11-01,sha256:") || !strings.Contains(lines[1], ",符合,7200,\"7,200元\",,") {
		t.Errorf("row 2: %s", lines[1])
	}
	if !strings.HasPrefix(lines[9], `10,"'=HYPERLINK(""x"")",`) || !strings.Contains(lines[9], ",符合,7200,") {
		t.Errorf("row 10 (formula guarded, option label accepted): %s", lines[9])
	}
	if !strings.Contains(lines[8], "可能符合") { // 9: 单位类型 不详 → 可能符合
		t.Errorf("row 9: %s", lines[8])
	}

	// JSON Lines: a line that is not JSON or not an object is a bad row.
	jl := `{"名称":"甲","类型":"小微","裁员":0,"参保":25,"缴费（万元）":"1.2"}
{"名称":"乙","类型":"小微","裁员":0,"参保":25,"缴费（万元）":1.2
[1,2]

{"名称":"丙","类型":"小微","裁员":null,"参保":true,"缴费（万元）":1.2}
`
	sum, out = run(t, p, mustMapping(t, p, src), []byte(jl), JSONL, JSONL, false)
	text = string(out)
	for _, w := range []string{
		`{"line":2,"keep":{"名称":""},"date":"2023-11-01","rules":"sha256:`,
		`"evaluated":false,"errors":[{"line":2,"message":"不是有效的JSON：`,
		`{"line":3,`, `"message":"应为JSON对象（列名: 值）；本行未计算"`,
		`{"line":5,"keep":{"名称":"丙"}`, `"column":"参保","question":"staff","message":"“true”不是有效的数字`,
	} {
		if !strings.Contains(text, w) {
			t.Errorf("JSON Lines output lacks %s:\n%s", w, text)
		}
	}
	if sum.Rows != 4 || sum.NotRead != 2 || sum.WithError != 3 {
		t.Errorf("summary: %d rows, %d not read, %d with errors; want 4, 2, 3", sum.Rows, sum.NotRead, sum.WithError)
	}
}

// TestBOM: --bom writes the byte order mark Excel needs, once.
func TestBOM(t *testing.T) {
	p := program(t)
	data := []byte("统一社会信用代码,单位名称,单位类型,上年度裁员人数,上年度参保职工人数,上年度缴纳失业保险费（万元）,招用毕业生签1年以上合同人数,招用毕业生已缴三项保险人数,两项都算的人数,接收见习人数,见习月数,见习留用率（%）\n示例1,虚构,大型企业,0,10,1,0,0,0,0,0,0\n")
	var out bytes.Buffer
	if _, err := Run(Options{Program: p, Mapping: testMapping(t, p), Input: bytes.NewReader(data), InputName: "r", InFormat: CSV,
		Output: &out, OutFormat: CSV, BOM: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), []byte("\xEF\xBB\xBF行,统一社会信用代码,")) || bytes.Count(out.Bytes(), []byte("\xEF\xBB\xBF")) != 1 {
		t.Fatalf("output: %q", out.String()[:40])
	}
}

// TestMoney: totals are exact, in cents and beyond int64.
func TestMoney(t *testing.T) {
	for s, want := range map[string]int64{"0": 0, "7": 700, "7.5": 750, "7.05": 705, "123456.78": 12345678} {
		if got, ok := parseCents(s); !ok || got != want {
			t.Errorf("parseCents(%q) = %d, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", ".", "1.234", "-1", "1e3", "1,000", "99999999999999999999"} {
		if _, ok := parseCents(s); ok {
			t.Errorf("parseCents(%q) accepted", s)
		}
	}
	var m money
	for range 3 {
		m.add("92233720368547758.07") // max int64 cents
	}
	m.add("0.01")
	m.add("1.234") // not cents: exact anyway
	// 3 × 92233720368547758.07 + 0.01 + 1.234
	if got := m.rat().FloatString(3); got != "276701161105643275.454" {
		t.Errorf("sum %s", got)
	}
}

// TestProgress: the progress line shows rows, rows/s and how much is read,
// and ends with a newline; without a Progress writer nothing is written.
func TestProgress(t *testing.T) {
	p := program(t)
	var reg bytes.Buffer
	if err := writeRegister(&reg, 3000, 3, nil); err != nil {
		t.Fatal(err)
	}
	var prog, out bytes.Buffer
	if _, err := Run(Options{Program: p, Mapping: testMapping(t, p), Input: bytes.NewReader(reg.Bytes()), InputName: "r",
		InFormat: CSV, Output: &out, OutFormat: CSV, Date: "2023-11-01", Progress: &prog, InputSize: int64(reg.Len())}); err != nil {
		t.Fatal(err)
	}
	s := prog.String()
	if !strings.HasPrefix(s, "\r") || !strings.Contains(s, "3,000行") || !strings.Contains(s, "行/秒") || !strings.Contains(s, "已读100%") || !strings.HasSuffix(s, "\n") {
		t.Fatalf("progress %q", s)
	}
}

// TestRulesHash: the rule-set hash does not depend on the path the content
// was loaded from, and it changes with the rules.
func TestRulesHash(t *testing.T) {
	p := program(t)
	abs, err := filepath.Abs("../../content")
	if err != nil {
		t.Fatal(err)
	}
	q, err := pipeline.Program(pipeline.Options{Content: abs})
	if err != nil {
		t.Fatal(err)
	}
	h := RulesHash(p)
	if len(h) != len("sha256:")+16 || RulesHash(q) != h {
		t.Fatalf("hash %s from ../../content, %s from %s", h, RulesHash(q), abs)
	}
	q.Benefits = q.Benefits[1:]
	if RulesHash(q) == h {
		t.Fatal("hash unchanged without a benefit")
	}
}
