package calculator_test

import (
	"strings"
	"testing"

	"policyguide/calculator"
	"policyguide/calculator/compile"
)

// Questions shared by the table tests.
const testQuestions = `
[[questions]]
id = "a"
audience = ["enterprises"]
type = "bool"
label = "条件甲？"

[[questions]]
id = "b"
audience = ["enterprises"]
type = "bool"
label = "条件乙？"

[[questions]]
id = "n"
audience = ["enterprises"]
type = "number"
label = "人数是多少？"
short = "人数"
unit = "人"
min = 0
integer = true

[[questions]]
id = "m"
audience = ["enterprises"]
type = "number"
label = "另一人数"
unit = "人"
min = 0
integer = true

[[questions]]
id = "k"
audience = ["enterprises"]
type = "number"
label = "两项都算的人数"
unit = "人"
min = 0
integer = true

[[questions]]
id = "r"
audience = ["enterprises", "individuals"]
type = "number"
label = "比率"
unit = "%"
min = 0
max = 100

[[questions]]
id = "money"
audience = ["enterprises"]
type = "number"
label = "金额"
unit = "元"
min = 0

[[questions]]
id = "c"
audience = ["enterprises"]
type = "choice"
label = "类型"
options = [ { value = "x", label = "甲类" }, { value = "y", label = "乙类" }, { value = "z", label = "丙类" } ]

[[questions]]
id = "p"
audience = ["individuals"]
type = "bool"
label = "个人问题"
`

// build compiles rules (the body of one rule file for measure m1) against
// testQuestions. Every cite is "原文", the whole source text. An example
// without expectations is added for each benefit listed in ids.
func build(t testing.TB, rules string, ids ...string) *calculator.Program {
	t.Helper()
	for _, id := range ids {
		rules += "\n[[examples]]\nname = \"auto\"\ndate = 2023-01-01\nanswers = {}\nexpect = [ { benefit = \"" + id + "\" } ]\n"
	}
	p, errs := compile.Compile(compile.Sources{
		Questions: compile.File{Name: "q.toml", Src: []byte(testQuestions)},
		Rules:     []compile.File{{Name: "r.toml", Src: []byte("measure = \"m1\"\n" + rules)}},
		Source:    []byte("原文，2023年3月1日起施行，政策实施期限截至2024年6月30日。"),
	})
	if len(errs) > 0 {
		t.Fatalf("compile:\n%v\n%s", errs, rules)
	}
	return p
}

// grant is a benefit with one criterion and an exact amount.
func grant(id, expr, amount string) string { return grantX(id, expr, amount, "") }

// grantX is grant with extra benefit keys.
func grantX(id, expr, amount, extra string) string {
	return `
[[benefits]]
id = "` + id + `"
name = "福利` + id + `"
audience = ["enterprises"]
kind = "grant"
departments = ["市人社局"]
amount = "` + amount + `"
unit = "元"
` + extra + `
[[benefits.criteria]]
label = "条件"
expr = "` + expr + `"
cite = "原文"
`
}

func eval(p *calculator.Program, date, answers string) calculator.Result {
	in, _ := calculator.DecodeInput([]byte(`{"date":"` + date + `","answers":` + answers + `}`))
	return calculator.Eval(p, in)
}

func find(t testing.TB, res calculator.Result, id string) calculator.BenefitResult {
	t.Helper()
	for _, r := range res.Results {
		if r.Benefit == id {
			return r
		}
	}
	t.Fatalf("no result for %s", id)
	return calculator.BenefitResult{}
}

func missingIDs(r calculator.BenefitResult) string {
	var ids []string
	for _, m := range r.Missing {
		ids = append(ids, m.ID)
	}
	return strings.Join(ids, ",")
}

func TestLogicAndArithmetic(t *testing.T) {
	for _, tc := range []struct {
		name, expr, amount, answers string
		status, value, missing      string
	}{
		{"true", "a", "1", `{"a":true}`, "eligible", "1", ""},
		{"false", "a", "1", `{"a":false}`, "ineligible", "", ""},
		{"unknown", "a", "1", `{}`, "possible", "1", "a"},
		{"false && unknown = false", "a && b", "1", `{"a":false}`, "ineligible", "", ""},
		{"unknown && false = false", "a && b", "1", `{"b":false}`, "ineligible", "", ""},
		{"true && unknown", "a && b", "1", `{"a":true}`, "possible", "1", "b"},
		{"true || unknown = true", "a || b", "1", `{"a":true}`, "eligible", "1", ""},
		{"unknown || true = true", "a || b", "1", `{"b":true}`, "eligible", "1", ""},
		{"false || unknown", "a || b", "1", `{"a":false}`, "possible", "1", "b"},
		{"unknown || unknown", "a || b", "1", `{"a":"unknown","b":null}`, "possible", "1", "a,b"},
		{"!unknown", "!a", "1", `{}`, "possible", "1", "a"},
		{"not", "!a", "1", `{"a":false}`, "eligible", "1", ""},
		{"5.5 boundary", "r <= 5.5", "1", `{"r":"5.5"}`, "eligible", "1", ""},
		{"5.5 boundary number", "r <= 5.5", "1", `{"r":5.5}`, "eligible", "1", ""},
		{"above 5.5", "r <= 5.5", "1", `{"r":"5.51"}`, "ineligible", "", ""},
		{"exact decimal", "r == 0.3", "1", `{"r":"0.3"}`, "eligible", "1", ""},
		{"ratio without float error", "n * 100 <= m * 20", "1", `{"n":6,"m":30}`, "eligible", "1", ""},
		{"ratio just above", "n * 100 <= m * 20", "1", `{"n":7,"m":30}`, "ineligible", "", ""},
		{"amount", "a", "money * 60 / 100", `{"a":true,"money":"120000"}`, "eligible", "72000", ""},
		{"amount unknown", "a", "money * 60 / 100", `{"a":true}`, "eligible", "", "money"},
		{"amount rounded", "a", "money / 3", `{"a":true,"money":100}`, "eligible", "33.33", ""},
		{"half up", "a", "money / 8", `{"a":true,"money":1}`, "eligible", "0.13", ""},
		{"choice ==", `c == \"x\"`, "1", `{"c":"x"}`, "eligible", "1", ""},
		{"choice !=", `c != \"x\"`, "1", `{"c":"y"}`, "eligible", "1", ""},
		{"in", `in(c, \"x\", \"y\")`, "1", `{"c":"z"}`, "ineligible", "", ""},
		{"in unknown", `in(c, \"x\", \"y\")`, "1", `{}`, "possible", "1", "c"},
		{"if known", "a", "if(b, 100, 200)", `{"a":true,"b":false}`, "eligible", "200", ""},
		{"if unknown, branches equal", "a", "if(b, 100, 100)", `{"a":true}`, "eligible", "100", ""},
		{"if unknown", "a", "if(b, 100, 200)", `{"a":true}`, "eligible", "", "b"},
		{"min max", "a", "min(n, 5) + max(m, 2)", `{"a":true,"n":9,"m":1}`, "eligible", "7", ""},
		{"negative literal", "a", "10 - -5", `{"a":true}`, "eligible", "15", ""},
		{"precedence", "a", "2 + 3 * 4 - (1 + 1)", `{"a":true}`, "eligible", "12", ""},
		{"division by zero is unknown", "a", "money / n", `{"a":true,"money":5,"n":0}`, "eligible", "", ""},
		{"negative amount is an error", "a", "n - m", `{"a":true,"n":1,"m":2}`, "eligible", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := build(t, grant("x", tc.expr, tc.amount), "x")
			r := find(t, eval(p, "2023-06-01", tc.answers), "x")
			if r.Status != tc.status || r.Amount.Value != tc.value || missingIDs(r) != tc.missing {
				t.Errorf("status %s value %q missing %q; want %s %q %q (%s / %s)",
					r.Status, r.Amount.Value, missingIDs(r), tc.status, tc.value, tc.missing, r.Amount.Text, r.Calculation)
			}
		})
	}
}

func TestEvalErrorsNeverNaN(t *testing.T) {
	p := build(t, grant("x", "a", "money / n"), "x")
	res := eval(p, "2023-06-01", `{"a":true,"money":5,"n":0}`)
	r := find(t, res, "x")
	if r.Amount.Value != "" || r.Amount.Text != "暂无法计算" {
		t.Errorf("amount %+v", r.Amount)
	}
	if len(res.Errors) != 1 || res.Errors[0].Benefit != "x" || !strings.Contains(res.Errors[0].Message, "除数为零") {
		t.Errorf("errors %+v", res.Errors)
	}
	p = build(t, grant("y", "a", "money * 2"), "y")
	out := string(calculator.Evaluate(p, []byte(`{"date":"2023-06-01","answers":{"a":true,"money":"9223372036854775807"}}`)))
	if !strings.Contains(out, "数值过大") || strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Errorf("overflow: %s", out)
	}
}

func TestCalculationText(t *testing.T) {
	rules := `
[[params]]
id = "rate"
label = "返还比例"
unit = "%"
values = [ { from = 2023-01-01, value = "60", cite = "原文" } ]

[[brackets]]
id = "std"
label = "见习补贴标准"
unit = "元/人/月"
cite = "原文"
rows = [
  { below = "50", value = "1000" },
  { from = "50", below = "60", value = "1200" },
  { from = "60", below = "70", value = "1350" },
  { from = "70", value = "1500" },
]
` + grant("ret", "a", "money * rate / 100") + grant("int", "a", "n * m * std(r)") +
		grantX("capped", "a", "money", "cap = \"200000\"")
	p := build(t, rules, "ret", "int", "capped")
	res := eval(p, "2023-11-01", `{"a":true,"money":"250000","n":3,"m":6,"r":65}`)
	for id, want := range map[string]string{
		"ret":    "250,000元 × 60% = 150,000元",
		"int":    "3人 × 6人 × 1,350元/人/月（比率 65%，60%–70%（不含70%）档） = 24,300元",
		"capped": "250,000元；超过上限 200,000元，按上限计",
	} {
		if got := find(t, res, id).Calculation; got != want {
			t.Errorf("%s:\n got %s\nwant %s", id, got, want)
		}
	}
	if got := find(t, res, "capped").Amount.Text; got != "200,000元" {
		t.Errorf("capped text %q", got)
	}
	if got := find(t, res, "ret").Amount; got.Value != "150000" || got.Text != "150,000元" || got.Form != "exact" {
		t.Errorf("ret amount %+v", got)
	}
}

func TestBracketBoundaries(t *testing.T) {
	rules := `
[[brackets]]
id = "std"
label = "标准"
unit = "元"
cite = "原文"
rows = [
  { below = "50", value = "1000" },
  { from = "50", below = "60", value = "1200" },
  { from = "60", below = "70", value = "1350" },
  { from = "70", value = "1500" },
]
` + grant("x", "a", "std(r)")
	p := build(t, rules, "x")
	for r, want := range map[string]string{
		"0": "1000", "49.99": "1000", "50": "1200", "59.999": "1200", "60": "1350", "69.9": "1350", "70": "1500", "100": "1500",
	} {
		got := find(t, eval(p, "2023-11-01", `{"a":true,"r":"`+r+`"}`), "x").Amount.Value
		if got != want {
			t.Errorf("std(%s) = %s, want %s", r, got, want)
		}
	}
	// A bracket with a lower bound: values below it are an error, not a default.
	rules = strings.Replace(rules, `{ below = "50", value = "1000" },`, `{ from = "10", below = "50", value = "1000" },`, 1)
	p = build(t, rules, "x")
	res := eval(p, "2023-11-01", `{"a":true,"r":"5"}`)
	if v := find(t, res, "x").Amount.Value; v != "" || len(res.Errors) != 1 {
		t.Errorf("out of range: value %q errors %+v", v, res.Errors)
	}
}

func TestExclusionOverlap(t *testing.T) {
	perPerson := func(id, per, persons string) string {
		return `
[[benefits]]
id = "` + id + `"
name = "福利` + id + `"
audience = ["enterprises"]
kind = "grant"
departments = ["市人社局"]
per_person = "` + per + `"
persons = "` + persons + `"
unit = "元"
[[benefits.criteria]]
label = "有人"
expr = "` + persons + ` > 0"
cite = "原文"
`
	}
	rules := perPerson("absorb", "1000", "n") + perPerson("expand", "1500", "m") + `
[[exclusions]]
benefits = ["absorb", "expand"]
overlap = "k"
label = "不能重复享受"
cite = "原文"
`
	p := build(t, rules, "absorb", "expand")
	for _, tc := range []struct {
		answers                string
		absorb, expand, errors string
		missing                string
	}{
		{`{"n":2,"m":3,"k":0}`, "2000", "4500", "", ""},
		{`{"n":5,"m":3,"k":3}`, "2000", "4500", "", ""},
		{`{"n":3,"m":2,"k":2}`, "1000", "3000", "", ""},
		{`{"n":5,"m":3}`, "", "4500", "", "k"},
		{`{"n":5,"m":3,"k":4}`, "", "4500", "超过了本项的人数", ""},
		{`{"n":0,"m":3,"k":0}`, "", "4500", "", ""}, // absorb ineligible: no adjustment
	} {
		res := eval(p, "2023-11-01", tc.answers)
		a, e := find(t, res, "absorb"), find(t, res, "expand")
		var errs []string
		for _, x := range res.Errors {
			errs = append(errs, x.Message)
		}
		if a.Amount.Value != tc.absorb || e.Amount.Value != tc.expand || missingIDs(a) != tc.missing ||
			(tc.errors == "") != (len(errs) == 0) || !strings.Contains(strings.Join(errs, ";"), tc.errors) {
			t.Errorf("%s: absorb %q (%s) expand %q missing %q errors %v", tc.answers, a.Amount.Value, a.Calculation, e.Amount.Value, missingIDs(a), errs)
		}
		if len(a.Exclusions) != 1 || a.Exclusions[0].With != "expand" || e.Exclusions[0].With != "absorb" {
			t.Errorf("exclusions not shown: %+v %+v", a.Exclusions, e.Exclusions)
		}
	}
	res := eval(p, "2023-11-01", `{"n":5,"m":3,"k":3}`)
	want := "（5人 − 两项都算的人数 3人） × 1,000 = 2,000元；其中3人同时符合“福利expand”，按较高的1,500元/人计入该项，本项不重复计算"
	if got := find(t, res, "absorb").Calculation; got != want {
		t.Errorf("calculation:\n got %s\nwant %s", got, want)
	}
}

func TestStatusAndValidity(t *testing.T) {
	rules := `
[[params]]
id = "std"
label = "标准"
unit = "元"
values = [
  { from = 2023-01-01, value = "1000", cite = "原文" },
  { from = 2024-01-01, value = "1200", cite = "原文" },
]
` + grantX("x", "a", "std", "valid_from = 2023-03-01\nvalid_from_cite = \"2023年3月1日起施行\"\nvalid_until = 2024-06-30\nvalid_cite = \"政策实施期限截至2024年6月30日\"") + grant("forever", "a", "std")
	p := build(t, rules, "x", "forever")
	for _, tc := range []struct {
		date, answers, id           string
		status, ifValid, value, exp string
	}{
		{"2023-06-01", `{"a":true}`, "x", "eligible", "", "1000", ""},
		{"2024-01-01", `{"a":true}`, "x", "eligible", "", "1200", ""}, // new value from its date
		{"2023-12-31", `{"a":true}`, "x", "eligible", "", "1000", ""},
		{"2024-06-30", `{"a":true}`, "x", "eligible", "", "1200", ""}, // last valid day
		{"2024-07-01", `{"a":true}`, "x", "expired", "eligible", "1200", "已于2024年6月30日到期"},
		{"2024-07-01", `{"a":false}`, "x", "expired", "ineligible", "", "已于2024年6月30日到期"},
		{"2024-07-01", `{}`, "x", "expired", "possible", "1200", "已于2024年6月30日到期"},
		{"2023-02-01", `{"a":true}`, "x", "not_yet", "eligible", "1000", "文件写明2023年3月1日起施行，尚未生效"},
		{"2022-06-01", `{"a":true}`, "forever", "not_yet", "eligible", "", "文件写明“标准”自2023年1月1日起适用，所选日期2022年6月1日尚未适用"},
		{"2099-01-01", `{"a":true}`, "forever", "eligible", "", "1200", ""}, // no valid_until: never expires
	} {
		r := find(t, eval(p, tc.date, tc.answers), tc.id)
		if r.Status != tc.status || r.StatusIfValid != tc.ifValid || r.Amount.Value != tc.value || r.Expiry != tc.exp {
			t.Errorf("%s %s %s: got %s/%s %q %q", tc.id, tc.date, tc.answers, r.Status, r.StatusIfValid, r.Amount.Value, r.Expiry)
		}
		if r.StatusLabel == "" {
			t.Errorf("no status label")
		}
	}
	r := find(t, eval(p, "2024-07-01", `{"a":true}`), "x")
	if !strings.Contains(r.Calculation, "政策已到期") || r.StatusLabel != "已到期" {
		t.Errorf("expired result must say so: %q %q", r.Calculation, r.StatusLabel)
	}
}

func TestFormsAndAsk(t *testing.T) {
	rules := `
[[benefits]]
id = "upto"
name = "最高额"
audience = ["enterprises"]
kind = "grant"
departments = ["市人社局"]
amount_max = "300"
unit = "元"
[[benefits.criteria]]
label = "甲"
expr = "a"
cite = "原文"

[[benefits]]
id = "range"
name = "区间"
audience = ["enterprises"]
kind = "grant"
departments = ["市人社局"]
amount_min = "30000"
amount_max = "150000"
unit = "元"
[[benefits.criteria]]
label = "甲且乙"
expr = "a && b"
cite = "原文"

[[benefits]]
id = "loan"
name = "贷款"
audience = ["enterprises"]
kind = "loan"
departments = ["市人社局"]
amount_max = "if(c == \"x\", 200000 * 110 / 100, 200000)"
term_max_months = "3 * 12"
unit = "元"
[[benefits.criteria]]
label = "人数"
expr = "n >= 1"
cite = "原文"

[[benefits]]
id = "svc"
name = "服务"
audience = ["individuals"]
kind = "service"
departments = ["市人社局"]
[[benefits.criteria]]
label = "个人"
expr = "p && r > 1"
cite = "原文"
`
	p := build(t, rules, "upto", "range", "loan", "svc")
	res := eval(p, "2023-11-01", `{"a":true,"n":2,"c":"x"}`)
	for id, want := range map[string]calculator.AmountResult{
		"upto":  {Form: "up_to", Max: "300", Text: "最高300元"},
		"range": {Form: "range", Min: "30000", Max: "150000", Text: "30,000–150,000元"},
		"loan":  {Form: "loan", Max: "220000", TermMonths: "36", Text: "最高220,000元，期限不超过36个月"},
		"svc":   {Form: "none", Text: "不涉及金额"},
	} {
		got := find(t, res, id).Amount
		if got.Form != want.Form || got.Value != want.Value || got.Min != want.Min || got.Max != want.Max ||
			got.TermMonths != want.TermMonths || got.Text != want.Text {
			t.Errorf("%s: %+v, want %+v", id, got, want)
		}
	}
	// ask: unanswered questions that can still change a result, in questions order.
	if got := strings.Join(res.Ask, ","); got != "b,r,p" {
		t.Errorf("ask = %s", got)
	}
	in, _ := calculator.DecodeInput([]byte(`{"date":"2023-11-01","audience":"individuals","answers":{"p":false}}`))
	res = calculator.Eval(p, in)
	if len(res.Results) != 1 || res.Results[0].Benefit != "svc" || len(res.Ask) != 0 {
		t.Errorf("audience filter: %+v ask %v", res.Results, res.Ask)
	}
	in, _ = calculator.DecodeInput([]byte(`{"date":"2023-11-01","audience":"enterprises","answers":{}}`))
	if got := strings.Join(calculator.Eval(p, in).Ask, ","); got != "a,b,n,c" {
		t.Errorf("enterprise ask = %s", got)
	}
}

func TestInputValidation(t *testing.T) {
	p := build(t, grant("x", "a && r >= 0 && n >= 0 && c != \\\"z\\\"", "money"), "x")
	for _, tc := range []struct {
		answers, question, message string
	}{
		{`{"n":-1}`, "n", "不能为负数，请输入不小于0的整数（单位：人）"},
		{`{"n":"2.5"}`, "n", "“2.5”不是整数，请输入不小于0的整数（单位：人）"},
		{`{"n":"abc"}`, "n", "“abc”不是有效的数字"},
		{`{"money":"1,00"}`, "money", "“1,00”不是有效的数字"},
		{`{"r":"101"}`, "r", "不能大于100%，请输入0到100之间的数（单位：%）"},
		{`{"r":true}`, "r", "请输入数字"},
		{`{"a":"maybe"}`, "a", "请选择“是”“否”或“不确定”"},
		{`{"a":1}`, "a", "请选择“是”“否”或“不确定”"},
		{`{"c":"w"}`, "c", "“w”不是可选的答案，请从以下选项中选择：甲类、乙类、丙类"},
		{`{"zz":1}`, "zz", "没有这个问题（zz），该答案已忽略"},
		{`{"n":[1]}`, "n", "请输入数字"},
	} {
		res := eval(p, "2023-11-01", tc.answers)
		if len(res.Errors) != 1 || res.Errors[0].Question != tc.question || !strings.HasPrefix(res.Errors[0].Message, tc.message) {
			t.Errorf("%s: errors %+v, want %s: %s", tc.answers, res.Errors, tc.question, tc.message)
			continue
		}
		// The bad answer counts as unknown: it is asked again.
		if tc.question != "zz" && !strings.Contains(strings.Join(res.Ask, ","), tc.question) {
			t.Errorf("%s: bad answer not asked again: %v", tc.answers, res.Ask)
		}
	}
	for _, ok := range []string{`{"n":"3"}`, `{"n":3.0}`, `{"n":" 3 "}`, `{"a":"true"}`, `{"n":""}`, `{"n":"unknown"}`, `{"n":null}`, `{"r":"1e2"}`} {
		if res := eval(p, "2023-11-01", ok); len(res.Errors) != 0 {
			t.Errorf("%s: unexpected errors %+v", ok, res.Errors)
		}
	}
}

func TestEvaluateJSON(t *testing.T) {
	p := build(t, grant("x", "a", "money * 60 / 100"), "x")
	for _, tc := range []struct{ in, want string }{
		{`not json`, `"field":"input","message":"输入不是有效的JSON`},
		{`[]`, `"field":"input","message":"输入应为JSON对象"`},
		{`{"date":"2023-02-30","answers":{}}`, `"field":"date"`},
		{`{"date":"2023-11-01","audience":"martians"}`, `"field":"audience"`},
		{`{"date":"2023-11-01","answers":[]}`, `"field":"answers"`},
		{`{"date":"2023-11-01","extra":1}`, `"field":"extra","message":"未知的字段 extra，已忽略"`},
	} {
		out := string(calculator.Evaluate(p, []byte(tc.in)))
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s:\n%s\nwant %s", tc.in, out, tc.want)
		}
	}
	out := string(calculator.Evaluate(p, []byte(`{"date":"2023-11-01","audience":"enterprises","answers":{"a":true,"money":"120000"}}`)))
	want := `{"date":"2023-11-01","audience":"enterprises","errors":[],"ask":[],"results":[{"benefit":"x","measure":"m1","name":"福利x","kind":"grant","status":"eligible","status_label":"符合","amount":{"form":"exact","value":"72000","text":"72,000元"},"calculation":"120,000元 × 60 ÷ 100 = 72,000元","criteria":[{"label":"条件","met":true,"cite":"原文"}],"missing":[],"notes":[],"exclusions":[],"departments":["市人社局"]}],"notice":"` + calculator.DefaultNotice + `"}`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestProgramRoundTrip(t *testing.T) {
	p := build(t, grantX("x", `a && (c == \"x\" || in(c, \"y\")) && !b`, "if(a, min(money, 5), max(n, 1)) * -2 / 3", "cap = \"10\""), "x")
	js := p.JSON()
	q, err := calculator.DecodeProgram(js)
	if err != nil {
		t.Fatal(err)
	}
	if again := q.JSON(); string(again) != string(js) {
		t.Errorf("round trip differs:\n%s\n---\n%s", js, again)
	}
	// The decoded program evaluates like the compiled one.
	in := []byte(`{"date":"2023-11-01","answers":{"a":true,"b":false,"c":"y","money":"-1"}}`)
	if a, b := calculator.Evaluate(p, in), calculator.Evaluate(q, in); string(a) != string(b) {
		t.Errorf("different results:\n%s\n%s", a, b)
	}
	for _, bad := range []string{
		`{}`, `{"format":"other"}`, strings.Replace(string(js), `"a"]`, `"nope"]`, 1),
		strings.Replace(string(js), `["q","money"]`, `["q","c"]`, 1), // type error
		strings.Replace(string(js), `"kind": "grant"`, `"kind": "gift"`, 1),
		strings.Replace(string(js), `"notice"`, `"unknown_key"`, 1),
	} {
		if _, err := calculator.DecodeProgram([]byte(bad)); err == nil {
			t.Errorf("DecodeProgram accepted %.200s", bad)
		}
	}
}

func TestNoDateWithoutClock(t *testing.T) {
	p := build(t, grant("x", "a", "1"), "x")
	saved := calculator.Today
	defer func() { calculator.Today = saved }()
	calculator.Today = func() calculator.Date { return calculator.MakeDate(2024, 2, 29) }
	if res := eval(p, "", `{}`); res.Date != "2024-02-29" {
		t.Errorf("default date %s", res.Date)
	}
	calculator.Today = nil
	if res := eval(p, "", `{}`); len(res.Errors) != 1 || res.Errors[0].Field != "date" || len(res.Results) != 0 {
		t.Errorf("no clock: %+v", res)
	}
}

// TestEscaping: program texts that need JSON escaping make results take the
// careful path; the output stays valid JSON either way.
func TestEscaping(t *testing.T) {
	rules := strings.Replace(grant("x", "a", "money"), `name = "福利x"`, `name = "A<b> & \"c\" \\ d"`, 1)
	p := build(t, rules, "x")
	for _, in := range []string{`{"date":"2023-11-01","answers":{"a":true,"money":5}}`, `{"date":"2023-11-01","audience":"<x>","answers":{"<\"":1}}`} {
		out := calculator.Evaluate(p, []byte(in))
		v, err := calculator.ParseJSON(out)
		if err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		if strings.ContainsAny(string(out), "<>&") {
			t.Errorf("unescaped HTML characters: %s", out)
		}
		res, _ := v.Get("results")
		name, _ := res.Items[0].Get("name")
		if name.Text != `A<b> & "c" \ d` {
			t.Errorf("name %q", name.Text)
		}
	}
}

// TestStatusWords: open lists, open conditions, competitive applications,
// unstated amounts and dates before the document never overstate.
func TestStatusWords(t *testing.T) {
	rules := grantX("apply", "a", "100", "claim = \"apply\"\nclaim_note = \"竞争性申报\"") +
		grantX("open", "a", "100", "claim = \"open\"\nclaim_note = \"条件文件未列出\"") + `
[[benefits]]
id = "list"
name = "名单"
audience = ["enterprises"]
kind = "grant"
departments = ["市人社局"]
amount_unstated = true

[[benefits.criteria]]
label = "属于所列人员"
expr = "a"
cite = "原文"
open = true
`
	p := build(t, rules, "apply", "open", "list")
	r := eval(p, "2023-11-01", `{"a":true}`)
	if x := find(t, r, "apply"); x.Status != calculator.CanApply || x.StatusLabel != "可申报" || x.StatusReason != "竞争性申报" || x.Amount.Value != "100" {
		t.Errorf("apply: %s %q %q %q", x.Status, x.StatusLabel, x.StatusReason, x.Amount.Value)
	}
	if x := find(t, r, "open"); x.Status != calculator.Possible || x.StatusLabel != "可能符合（以认定为准）" || x.StatusReason != "条件文件未列出" {
		t.Errorf("open: %s %q %q", x.Status, x.StatusLabel, x.StatusReason)
	}
	if x := find(t, r, "list"); x.Status != calculator.Eligible || x.Amount.Text != "金额文件未写明" {
		t.Errorf("unstated amount: %s %q", x.Status, x.Amount.Text)
	}
	r = eval(p, "2023-11-01", `{"a":false}`)
	if x := find(t, r, "list"); x.Status != calculator.Possible || x.StatusLabel != "可能符合（以认定为准）" || !strings.Contains(x.StatusReason, "属于所列人员") {
		t.Errorf("outside an open list: %s %q %q", x.Status, x.StatusLabel, x.StatusReason)
	}
	if x := find(t, r, "apply"); x.Status != calculator.Ineligible || x.StatusReason != "" {
		t.Errorf("a closed condition not met: %s %q", x.Status, x.StatusReason)
	}
	// Before the document the rules rest on: undetermined, never not_yet.
	p.Basis, p.BasisName = calculator.MakeDate(2023, 10, 27), "某文件"
	x := find(t, eval(p, "2023-10-01", `{"a":true}`), "apply")
	if x.Status != calculator.Undetermined || x.StatusLabel != "无法判断" || !strings.Contains(x.Expiry, "某文件（2023年10月27日印发）") {
		t.Errorf("before the basis: %s %q %q", x.Status, x.StatusLabel, x.Expiry)
	}
	// The program keeps all of it through rules.json.
	q, err := calculator.DecodeProgram(p.JSON())
	if err != nil || q.Basis != p.Basis || q.Benefits[0].Claim != "apply" || !q.Benefits[2].Criteria[0].Open || q.Benefits[2].Form != calculator.FormUnstated {
		t.Errorf("rules.json round trip: %v", err)
	}
}

// Calculations show the chosen branch only, and rates as percents: no
// "÷ 100", no "若…否则…".
func TestCalculationPlain(t *testing.T) {
	rules := `
[[params]]
id = "low"
label = "低比例"
unit = "%"
values = [ { from = 2023-01-01, value = "30", cite = "原文" } ]

[[params]]
id = "high"
label = "高比例"
unit = "%"
values = [ { from = 2023-01-01, value = "60", cite = "原文" } ]

[[params]]
id = "base"
label = "最高额度"
unit = "元"
values = [ { from = 2023-01-01, value = "200000", cite = "原文" } ]

[[params]]
id = "raise"
label = "提高比例"
unit = "%"
values = [ { from = 2023-01-01, value = "10", cite = "原文" } ]
` + grant("rate", "a", `money * if(c == \"x\", low, if(c == \"y\", high, low)) / 100`) +
		grant("raise", "a", "if(b, base * (100 + raise) / 100, base)")
	p := build(t, rules, "rate", "raise")
	for _, tc := range []struct{ answers, id, want string }{
		{`{"a":true,"money":"30,000","c":"y","b":true}`, "rate", "30,000元 × 60% = 18,000元"},
		{`{"a":true,"money":"3万","c":"x","b":true}`, "rate", "30,000元 × 30% = 9,000元"},
		{`{"a":true,"money":"30000","b":true}`, "rate", "30,000元 × （取决于：类型）"},
		{`{"a":true,"b":true}`, "raise", "200,000元 × （100% + 10%） = 220,000元"},
		{`{"a":true,"b":false}`, "raise", "200,000元"},
	} {
		got := find(t, eval(p, "2023-11-01", tc.answers), tc.id).Calculation
		if got != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.id, tc.answers, got, tc.want)
		}
		if strings.Contains(got, "÷") || strings.Contains(got, "若") || strings.Contains(got, "否则") {
			t.Errorf("%s: not plain: %s", tc.id, got)
		}
	}
}

// Minimum, maximum and negation read as words in the calculation.
func TestCalculationMinMax(t *testing.T) {
	rules := `
[[params]]
id = "base"
label = "最高额度"
unit = "元"
values = [ { from = 2023-01-01, value = "200000", cite = "原文" } ]
` + grant("low", "a", "min(money, base)") + grant("high", "a", "max(money, base)")
	p := build(t, rules, "low", "high")
	r := eval(p, "2023-11-01", `{"a":true,"money":"30,000"}`)
	for id, want := range map[string]string{"low": "较小值（", "high": "较大值（"} {
		got := find(t, r, id).Calculation
		if !strings.HasPrefix(got, want) || !strings.Contains(got, "30,000元") || !strings.Contains(got, "200,000元") {
			t.Errorf("%s: %q", id, got)
		}
	}
}
