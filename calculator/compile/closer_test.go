package compile

import (
	"testing"

	"policyguide/calculator"
)

// TestCloserThresholds: for a numeric threshold of the fixture the engine
// names the nearest answer that changes the result, and that answer does
// change it.
func TestCloserThresholds(t *testing.T) {
	prog := compileOK(t)
	cases := []struct {
		name, answers, benefit, question, now, value string
	}{
		{"5.5%", `"firm_insured":true,"firm_size":"sme","insured_staff":100,"premiums":1000`,
			"m1-return", "layoff_rate", "5.6", "5.5"},
		{"30 insured", `"firm_insured":true,"firm_size":"sme","layoff_rate":"20","premiums":1000`,
			"m1-return", "insured_staff", "31", "30"},
	}
	input := func(answers, q, v string) calculator.Input {
		in, errs := calculator.DecodeInput([]byte(`{"date":"2023-11-01","audience":"enterprises","answers":{` + answers + `,"` + q + `":"` + v + `"}}`))
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return in
	}
	for _, c := range cases {
		in := input(c.answers, c.question, c.now)
		var got *calculator.BenefitResult
		res := calculator.Eval(prog, in)
		for i := range res.Results {
			if res.Results[i].Benefit == c.benefit {
				got = &res.Results[i]
			}
		}
		if got == nil || got.Status != calculator.Ineligible {
			t.Fatalf("%s: %s not ineligible: %+v", c.name, c.benefit, got)
		}
		var hit *calculator.Closer
		for i := range got.Closer {
			if got.Closer[i].Question == c.question {
				hit = &got.Closer[i]
			}
		}
		if hit == nil || hit.Value != c.value || hit.Text == "" {
			t.Errorf("%s: closer %+v, want %s = %s", c.name, got.Closer, c.question, c.value)
			continue
		}
		// the named answer really changes the result
		for _, r := range calculator.Eval(prog, input(c.answers, c.question, hit.Value)).Results {
			if r.Benefit == c.benefit && r.Status != calculator.Eligible {
				t.Errorf("%s: answering %s = %s changes nothing (%s)", c.name, c.question, hit.Value, r.Status)
			}
		}
	}
}
