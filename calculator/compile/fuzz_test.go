package compile

import (
	"strings"
	"testing"

	"policyguide/calculator"
)

// progScope resolves names against a compiled program (for fuzzing the
// expression compiler without TOML around it).
type progScope struct{ p *calculator.Program }

func (s progScope) lookup(measure, name string) (string, string, bool) {
	for _, q := range s.p.Questions {
		if measure == "" && q.ID == name {
			return calculator.OpQuestion, name, true
		}
	}
	if measure == "" {
		measure = "m12"
	}
	for _, x := range s.p.Params {
		if x.ID == measure+"."+name {
			return calculator.OpParam, x.ID, true
		}
	}
	for _, b := range s.p.Brackets {
		if b.ID == measure+"."+name {
			return calculator.OpBracket, b.ID, true
		}
	}
	return "", "", false
}

// FuzzCompileExpr: any text given as a rule expression compiles to a tree or
// to errors with offsets inside the text, and a tree that type-checks
// evaluates and explains itself without panicking.
func FuzzCompileExpr(f *testing.F) {
	for _, s := range []string{
		"firm_insured", "layoff_rate <= 5.5 || insured_staff <= 30 && layoff_rate <= 20",
		`premiums * if(firm_size == "large", m1.rate_large, m1.rate_sme) / 100`,
		"interns * intern_months * stipend(retention)", `in(founder, "graduate", "migrant")`,
		"min(interns, 3) + max(1, 2, 3) - -4 / (2)", "!firm_insured && true != false",
		"if(if(firm_insured, true, false), 1, 2)", "firm_insured +", "x.y.z", "func(){}", "a[1]",
		"0x10", "1_000", "'a'", "`raw`", "\"\\xff\"", "stipend", "stipend(1, 2)", "m8.absorb(1)",
		"if(1)", "1e400", "((((((1))))))", "in(3, 4)", "firm_size == \"huge\"", "firm_insured + 1",
	} {
		f.Add(s)
	}
	p := compileOK(f)
	base := p.JSON()
	inputs := [][]byte{
		[]byte(`{"date":"2023-11-01","answers":{}}`),
		[]byte(`{"date":"2023-11-01","answers":{"firm_insured":true,"firm_size":"large","insured_staff":0,"layoff_rate":"5.5","premiums":"0.01","interns":3,"intern_months":12,"retention":"69.99","founder":"graduate","partnership":true}}`),
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, errs := parseExpr(src, progScope{p})
		for _, er := range errs {
			if er.off < 0 || er.off > len(src) || er.msg == "" {
				t.Fatalf("bad error %+v for %q", er, src)
			}
		}
		if (e == nil) == (len(errs) == 0) {
			t.Fatalf("tree %v and errors %v for %q", e, errs, src)
		}
		if e == nil {
			return
		}
		q, err := calculator.DecodeProgram(base)
		if err != nil {
			t.Fatal(err)
		}
		b := q.Benefits[0]
		form := &calculator.Formula{Src: src, Root: e}
		b.Criteria[0].Expr = form
		if probs := q.Check(); len(probs) > 0 {
			b.Criteria[0].Expr = b.Criteria[1].Expr // maybe it is a number: try it as the amount
			b.Amount = form
			if q.Check() != nil {
				return
			}
		}
		for _, in := range inputs {
			out := calculator.Evaluate(q, in)
			if strings.Contains(string(out), "NaN") {
				t.Fatalf("NaN in %s", out)
			}
		}
		// The program with this tree survives the JSON round trip.
		js := q.JSON()
		r, err := calculator.DecodeProgram(js)
		if err != nil {
			t.Fatalf("decode after encode: %v\n%s", err, src)
		}
		if string(r.JSON()) != string(js) {
			t.Fatalf("round trip differs for %q", src)
		}
	})
}
