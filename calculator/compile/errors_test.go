package compile

import (
	"strings"
	"testing"
)

// validRule is a minimal correct rule file for the fixture questions;
// each error case below breaks one thing in it.
const validRule = `measure = "m1"

[[benefits]]
id = "b1"
name = "测试"
audience = ["enterprises"]
kind = "grant"
departments = ["市人社局"]
amount = "premiums * 60 / 100"
unit = "元"

[[benefits.criteria]]
label = "参保"
expr = "firm_insured"
cite = "参保企业"

[[examples]]
name = "例"
date = 2023-11-01
answers = { firm_insured = true, premiums = 1000 }
expect = [ { benefit = "b1", status = "eligible", amount = "600" } ]
`

func compileRule(t *testing.T, rule string) []string {
	t.Helper()
	src := loadDir(t, "testdata/ok")
	src.Rules = []File{{Name: "r.toml", Src: []byte(rule)}}
	_, errs := Compile(src)
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestValidRule(t *testing.T) {
	if errs := compileRule(t, validRule); len(errs) > 0 {
		t.Fatal(strings.Join(errs, "\n"))
	}
}

// TestRuleErrors: every kind of bad rule is reported at file:line(:col) with
// a clear message.
func TestRuleErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new string // replacement in validRule
		want     string // "file:line[:col]: message part"
	}{
		{"invalid TOML", `name = "测试"`, `name = "测试`, "r.toml:5:"},
		{"unknown key", `unit = "元"`, `unit = "元"` + "\ncolour = \"red\"", "r.toml:11:1: 未知的键 colour"},
		{"unknown key in criteria", `cite = "参保企业"`, `cite = "参保企业"` + "\nnote = 1", "r.toml:16:1: 未知的键 note"},
		{"missing required field", "name = \"测试\"\n", "", "r.toml:3:1: 缺少必填项 name"},
		{"missing criteria", "[[benefits.criteria]]\nlabel = \"参保\"\nexpr = \"firm_insured\"\ncite = \"参保企业\"\n", "", "r.toml:3:1: 缺少必填项 criteria"},
		{"wrong type", `unit = "元"`, `unit = 5`, "r.toml:10:1: unit 应为字符串，这里是整数"},
		{"undeclared identifier", `expr = "firm_insured"`, `expr = "firm_insured && firm_big"`, "r.toml:14:25: 未声明的标识符 firm_big"},
		{"column after escapes", `amount = "premiums * 60 / 100"`, `amount = "if(firm_size == \"sme\", premiums, nope)"`, "r.toml:9:46: 未声明的标识符 nope"},
		{"overlap twice", "[[examples]]", "[[exclusions]]\nbenefits = [\"b1\", \"b1\"]\noverlap = \"hired_both\"\nlabel = \"x\"\ncite = \"参保企业\"\n\n[[examples]]", "r.toml:18:19: 福利 b1 已在另一条按人数调整"},
		{"syntax error", `expr = "firm_insured"`, `expr = "firm_insured &&"`, "r.toml:14:24: 表达式语法错误"},
		{"unsupported operator", `expr = "firm_insured"`, `expr = "insured_staff % 2 == 0"`, "r.toml:14:9: 不支持的运算符 %"},
		{"bool plus number", `expr = "firm_insured"`, `expr = "firm_insured + 1 > 0"`, "r.toml:14:9: + 需要数字，但 firm_insured 是是/否值"},
		{"choice compared with number", `expr = "firm_insured"`, `expr = "firm_size == 3"`, "r.toml:14:22: 选择题 firm_size 只能与选项值比较"},
		{"choice value not an option", `expr = "firm_insured"`, `expr = 'firm_size == "huge"'`, `r.toml:14:22: "huge" 不是问题 firm_size 的选项`},
		{"in() value not an option", `expr = "firm_insured"`, `expr = 'in(firm_size, "sme", "tiny")'`, `r.toml:14:30: "tiny" 不是问题 firm_size 的选项`},
		{"bool vs number", `expr = "firm_insured"`, `expr = "firm_insured == insured_staff"`, "r.toml:14:22: == 两边的类型不同"},
		{"criterion not bool", `expr = "firm_insured"`, `expr = "premiums * 2"`, "r.toml:14:18: 条件必须是是/否表达式"},
		{"amount not number", `amount = "premiums * 60 / 100"`, `amount = "firm_insured"`, "r.toml:9:11: 金额必须是数字表达式"},
		{"if branches", `amount = "premiums * 60 / 100"`, `amount = "if(firm_insured, 1, firm_insured)"`, "r.toml:9:11: if() 的两个分支必须同为数字或同为是/否值"},
		{"citation not found", `cite = "参保企业"`, `cite = "参保的企业"`, "r.toml:15:1: 引文在原文中找不到：“参保的企业”（前3个字与原文一致，从“企业”起不一致）"},
		{"fund not in source", `unit = "元"`, `unit = "元"` + "\nfund = \"天降基金\"", "r.toml:11:1: 资金来源“天降基金”在原文中找不到"},
		{"unknown measure", `measure = "m1"`, `measure = "m99"`, "r.toml:1:1: 未知的措施 m99"},
		{"unknown audience", `audience = ["enterprises"]`, `audience = ["aliens"]`, `r.toml:6:13: 未知的对象 "aliens"`},
		{"unknown department", `departments = ["市人社局"]`, `departments = ["市人社局", "市外星局"]`, "r.toml:8:24: 未知的部门“市外星局”"},
		{"unknown kind", `kind = "grant"`, `kind = "gift"`, `r.toml:7:1: 福利 b1 的类别 "gift" 未知`},
		{"amount form conflict", `unit = "元"`, `unit = "元"` + "\namount_max = \"300\"", "r.toml:3:1: 福利 b1 的金额：金额写法冲突：amount_max 不能与 amount 同时使用"},
		{"loan without limit", `kind = "grant"`, `kind = "loan"`, "r.toml:3:1: 福利 b1 的金额：缺少 amount_max"},
		{"service with amount", `kind = "grant"`, `kind = "service"`, "r.toml:3:1: 福利 b1 的金额：服务类（service）不能有金额"},
		{"per_person without persons", `amount = "premiums * 60 / 100"`, `per_person = "1000"`, "r.toml:3:1: 福利 b1 的金额：缺少 persons"},
		{"range without max", `amount = "premiums * 60 / 100"`, `amount_min = "1000"`, "r.toml:3:1: 福利 b1 的金额：缺少 amount_max"},
		{"missing unit", `unit = "元"`, ``, "r.toml:3:1: 福利 b1 缺少 unit"},
		{"duplicate benefit", "[[examples]]", "[[benefits]]\nid = \"b1\"\nname = \"x\"\naudience = [\"enterprises\"]\nkind = \"service\"\ndepartments = []\n[[benefits.criteria]]\nlabel = \"x\"\nexpr = \"firm_insured\"\ncite = \"参保企业\"\n\n[[examples]]", "r.toml:18:1: 福利 id b1 重复"},
		{"valid dates reversed", `unit = "元"`, `unit = "元"` + "\nvalid_from = 2024-01-01\nvalid_until = 2023-12-31", "r.toml:11:1: 福利 b1 的 valid_from 晚于 valid_until"},
		{"bad date", `date = 2023-11-01`, `date = "2023-11-31"`, "r.toml:19:1: date 应为日期"},
		{"example fails", `amount = "600"`, `amount = "700"`, "r.toml:21:51: 示例“例”：amount 应为 700，实际为 600（计算：1,000元 × 60 ÷ 100 = 600元）"},
		{"example status fails", `status = "eligible"`, `status = "ineligible"`, "r.toml:21:30: 示例“例”：b1 的状态应为 ineligible（不符合），实际为 eligible（符合）"},
		{"example wrong amount form", `amount = "600"`, `amount_max = "600"`, "r.toml:21:51: 示例“例”：该福利的金额形式为 exact，不能用 amount_max；请用 amount"},
		{"example answer invalid", `premiums = 1000`, `premiums = -5`, "r.toml:20:34: 示例“例”：答案 premiums 无效：不能为负数"},
		{"example answer unknown question", `premiums = 1000 }`, `premiums = 1000, staff = 3 }`, "r.toml:20:51: 示例“例”：答案 staff 无效：没有这个问题"},
		{"example unknown benefit", `benefit = "b1"`, `benefit = "b2"`, "r.toml:21:14: 示例“例”：未知的福利 b2"},
		{"example bad status", `status = "eligible"`, `status = "ok"`, `r.toml:21:30: 状态 "ok" 未知`},
		{"benefit without example", `benefit = "b1", status = "eligible", amount = "600"`, `benefit = "b1"`, ""}, // still has one (no checks)
		{"question of other audience", `expr = "firm_insured"`, `expr = "firm_insured && returned_home"`, "r.toml:14:25: 问题 returned_home 不向“enterprises”提问"},
		{"exclusion unknown benefit", "[[examples]]", "[[exclusions]]\nbenefits = [\"b1\", \"b9\"]\nlabel = \"x\"\ncite = \"参保企业\"\n\n[[examples]]", "r.toml:18:19: 互斥规则中有未知的福利 b9"},
		{"bad number", `amount = "600"`, `amount = "6,00"`, `r.toml:21:51: amount 的值 "6,00" 不是有效的数字`},
		{"param dates not increasing", "[[benefits]]", "[[params]]\nid = \"x\"\nlabel = \"x\"\nvalues = [ { from = 2023-02-01, value = 1, cite = \"参保企业\" }, { from = 2023-01-01, value = 2, cite = \"参保企业\" } ]\n\n[[benefits]]", "r.toml:6:63: 参数 m1.x 的生效日期必须比上一个值晚"},
		{"param named like a question", "[[benefits]]", "[[params]]\nid = \"premiums\"\nlabel = \"x\"\nvalues = [ { from = 2023-01-01, value = 1, cite = \"参保企业\" } ]\n\n[[benefits]]", "r.toml:4:1: premiums 与问题 id 重名"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(validRule, tc.old) {
				t.Fatalf("test case does not apply: %q", tc.old)
			}
			errs := compileRule(t, strings.Replace(validRule, tc.old, tc.new, 1))
			if tc.want == "" {
				if len(errs) > 0 {
					t.Errorf("unexpected errors:\n%s", strings.Join(errs, "\n"))
				}
				return
			}
			for _, e := range errs {
				if strings.HasPrefix(e, tc.want) || strings.Contains(e, tc.want) && strings.HasPrefix(e, tc.want[:strings.Index(tc.want, ": ")]) {
					return
				}
			}
			t.Errorf("want %q, got:\n%s", tc.want, strings.Join(errs, "\n"))
		})
	}
}

func TestBracketErrors(t *testing.T) {
	bracket := func(rows string) string {
		return "[[brackets]]\nid = \"s\"\nlabel = \"标准\"\ncite = \"参保企业\"\nrows = [\n" + rows + "]\n\n[[benefits]]"
	}
	for _, tc := range []struct{ rows, want string }{
		{"{ below = \"50\", value = 1 },\n{ from = \"55\", value = 2 },\n", "r.toml:9:1: 分档表 m1.s：第1档与第2档之间有空档：50 至 55 不属于任何一档"},
		{"{ below = \"60\", value = 1 },\n{ from = \"50\", value = 2 },\n", "r.toml:9:1: 分档表 m1.s：第1档与第2档重叠：50 至 60 同时属于两档"},
		{"{ value = 1 },\n{ from = \"50\", value = 2 },\n", "r.toml:9:1: 分档表 m1.s：第1档没有上限（below），与第2档重叠"},
		{"{ from = \"60\", below = \"50\", value = 1 },\n", "r.toml:8:1: 分档表 m1.s：第1档的起点 60 不小于终点 50"},
		{"{ below = \"50\" },\n", "r.toml:8:1: 缺少必填项 value"},
	} {
		errs := compileRule(t, strings.Replace(validRule, "[[benefits]]", bracket(tc.rows), 1))
		found := false
		for _, e := range errs {
			found = found || strings.HasPrefix(e, tc.want)
		}
		if !found {
			t.Errorf("want %q, got:\n%s", tc.want, strings.Join(errs, "\n"))
		}
	}
}

func TestQuestionErrors(t *testing.T) {
	for _, tc := range []struct{ questions, want string }{
		{"[[questions]]\nid = \"a b\"\naudience = [\"enterprises\"]\ntype = \"bool\"\nlabel = \"x\"\n", `q.toml:2:1: 问题 id "a b" 只能由英文字母`},
		{"[[questions]]\nid = \"range\"\naudience = [\"enterprises\"]\ntype = \"bool\"\nlabel = \"x\"\n", `q.toml:2:1: 问题 id "range" 不能是 Go 关键字`},
		{"[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"text\"\nlabel = \"x\"\n", `q.toml:4:1: 问题 x 的类型 "text" 未知`},
		{"[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"bool\"\nlabel = \"x\"\nmin = 0\n", "q.toml:6:1: min 只适用于数字题"},
		{"[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"choice\"\nlabel = \"x\"\noptions = [ { value = \"a\", label = \"A\" }, { value = \"a\", label = \"B\" } ]\n", `q.toml:6:45: 选项值 "a" 重复`},
		{"[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"number\"\nlabel = \"x\"\nmin = 5\nmax = 1\n", "q.toml:6:1: min 大于 max"},
		{"[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"number\"\nlabel = \"x\"\n\n[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"number\"\nlabel = \"y\"\n", "q.toml:8:1: 问题 id x 重复"},
		{"[[questions]]\nid = \"x\"\naudience = [\"enterprises\"]\ntype = \"bool\"\nlabel = \"x\"\nhelp_text = \"\"\n", "q.toml:6:1: 未知的键 help_text"},
	} {
		src := loadDir(t, "testdata/ok")
		src.Questions = File{Name: "q.toml", Src: []byte(tc.questions)}
		src.Rules = nil
		_, errs := Compile(src)
		found := false
		for _, e := range errs {
			found = found || strings.HasPrefix(e.Error(), tc.want)
		}
		if !found {
			t.Errorf("want %q, got:\n%v", tc.want, errs)
		}
	}
}

// TestAllErrorsAtOnce: one run reports every error, sorted by position.
func TestAllErrorsAtOnce(t *testing.T) {
	rule := strings.NewReplacer(`name = "测试"`, `name = "测试"`+"\nfoo = 1", `expr = "firm_insured"`, `expr = "nope"`,
		`cite = "参保企业"`, `cite = "不在原文"`).Replace(validRule)
	errs := compileRule(t, rule)
	if len(errs) != 3 {
		t.Fatalf("want 3 errors, got:\n%s", strings.Join(errs, "\n"))
	}
	for i, prefix := range []string{"r.toml:6:1:", "r.toml:15:9:", "r.toml:16:1:"} {
		if !strings.HasPrefix(errs[i], prefix) {
			t.Errorf("error %d = %s, want prefix %s", i, errs[i], prefix)
		}
	}
}

func TestNoExample(t *testing.T) {
	rule := validRule[:strings.Index(validRule, "[[examples]]")]
	errs := compileRule(t, rule)
	if len(errs) != 1 || !strings.HasPrefix(errs[0], "r.toml:4:1: 福利 b1 没有示例") {
		t.Errorf("got %v", errs)
	}
}

func TestCitationNormalisation(t *testing.T) {
	ci := newCiteIndex([]byte("30人(含)以下的参保企业,按60%返还。庆政办发〔2023〕102号\n登记失业的 16—24周岁青年 ABC"))
	for _, cite := range []string{
		"30人（含）以下的参保企业，按60％返还", // full-width punctuation and percent
		"庆政办发〔2023〕102号",
		"登记失业的16—24周岁青年", // whitespace removed on both sides
		"按 60% 返还",
		"ＡＢＣ", // full-width letters
		"青年\tABC",
	} {
		if msg := ci.find(cite); msg != "" {
			t.Errorf("%q: %s", cite, msg)
		}
	}
	for _, cite := range []string{"庆政办发[2023]102号", "按70%返还", "16-24周岁"} {
		if ci.find(cite) == "" {
			t.Errorf("%q should not be found", cite)
		}
	}
}

// TestDuplicateHasNote: a name defined twice is reported where it is
// repeated, with a note at the first definition (not text in the message).
func TestDuplicateHasNote(t *testing.T) {
	src := loadDir(t, "testdata/ok")
	dup := strings.Replace(validRule, "[[examples]]", "[[benefits]]\nid = \"b1\"\nname = \"x\"\naudience = [\"enterprises\"]\nkind = \"service\"\ndepartments = []\n[[benefits.criteria]]\nlabel = \"x\"\nexpr = \"firm_insured\"\ncite = \"参保企业\"\n\n[[examples]]", 1)
	src.Rules = []File{{Name: "r.toml", Src: []byte(dup)}}
	_, errs := Compile(src)
	for _, e := range errs {
		if strings.Contains(e.Msg, "b1 重复") {
			if e.Pos.String() != "r.toml:18:1" || len(e.Notes) != 1 || e.Notes[0].Pos.String() != "r.toml:4:1" || strings.Contains(e.Msg, "r.toml") {
				t.Errorf("duplicate: %s, notes %+v; want at r.toml:18:1 with a note at r.toml:4:1", e.Pos, e.Notes)
			}
			return
		}
	}
	t.Errorf("duplicate benefit not reported: %v", errs)
}
