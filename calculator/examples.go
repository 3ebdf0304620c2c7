package calculator

import "strings"

// ExampleFailure is a worked example whose result differs from what the
// content expects, or whose answers are invalid.
type ExampleFailure struct {
	Example int    // index in Program.Examples
	Expect  int    // index in Example.Expect; -1 when about the answers
	Field   string // "status", "amount", …, or "answers.<question id>"
	Msg     string // Chinese; shows what was expected and what came out
}

// ExampleFailures runs every example of the program.
func ExampleFailures(p *Program) []ExampleFailure {
	var out []ExampleFailure
	for i := range p.Examples {
		out = append(out, RunExample(p, i)...)
	}
	return out
}

// RunExample runs one example.
func RunExample(p *Program, i int) []ExampleFailure {
	ex := p.Examples[i]
	var out []ExampleFailure
	fail := func(j int, field, msg string) {
		out = append(out, ExampleFailure{Example: i, Expect: j, Field: field, Msg: "示例“" + ex.Name + "”：" + msg})
	}
	res := Eval(p, Input{Date: ex.Date.String(), Audience: ex.Audience, Answers: ex.Answers.Members})
	for _, e := range res.Errors {
		switch {
		case e.Question != "":
			fail(-1, "answers."+e.Question, "答案 "+e.Question+" 无效："+e.Message)
		case e.Field != "":
			fail(-1, e.Field, e.Message)
		}
		// Benefit errors show up as a wrong status or amount below.
	}
	for j, want := range ex.Expect {
		var got *BenefitResult
		for k := range res.Results {
			if res.Results[k].Benefit == want.Benefit {
				got = &res.Results[k]
			}
		}
		if got == nil {
			fail(j, "benefit", "结果中没有福利 "+want.Benefit+"（不面向所选对象 "+ex.Audience+"？）")
			continue
		}
		explain := ""
		if got.Calculation != "" {
			explain = "（计算：" + got.Calculation + "）"
		}
		for _, e := range res.Errors {
			if e.Benefit == want.Benefit {
				explain += "（错误：" + e.Message + "）"
			}
		}
		if want.Status != "" && want.Status != got.Status {
			fail(j, "status", want.Benefit+" 的状态应为 "+want.Status+"（"+StatusLabel(want.Status)+"），实际为 "+
				got.Status+"（"+got.StatusLabel+"）"+explain)
		}
		a := got.Amount
		check := func(field string, want, got *Rat, form bool) {
			switch {
			case want == nil:
			case !form:
				fail(j, field, "该福利的金额形式为 "+a.Form+"，不能用 "+field+"；"+formHint(a.Form))
			case got == nil:
				fail(j, field, field+" 应为 "+want.String()+"，实际无法计算："+a.Text+explain)
			case *want != *got:
				fail(j, field, field+" 应为 "+want.String()+"，实际为 "+got.String()+explain)
			}
		}
		check("amount", want.Amount, a.value, a.Form == FormExact)
		check("amount_min", want.AmountMin, a.min, a.Form == FormRange)
		check("amount_max", want.AmountMax, a.max, a.Form == FormRange || a.Form == FormUpTo || a.Form == FormLoan)
		check("term_months", want.TermMonths, a.term, a.Form == FormLoan)
		if want.HasMissing {
			var ids []string
			for _, m := range got.Missing {
				ids = append(ids, m.ID)
			}
			if !sameSet(ids, want.Missing) {
				fail(j, "missing", "missing 应为 ["+strings.Join(want.Missing, ", ")+"]，实际为 ["+strings.Join(ids, ", ")+"]")
			}
		}
	}
	return out
}

func formHint(form string) string {
	switch form {
	case FormExact:
		return "请用 amount"
	case FormUpTo:
		return "请用 amount_max"
	case FormRange:
		return "请用 amount_min 和 amount_max"
	case FormLoan:
		return "请用 amount_max 和 term_months"
	}
	return "该福利没有金额"
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
		if seen[x] < 0 {
			return false
		}
	}
	return true
}
