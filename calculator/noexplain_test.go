package calculator_test

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"

	"policyguide/calculator"
)

// randomAnswers picks, for every question, one of: absent, "unknown", a
// valid answer, a boundary number, or an invalid answer.
func randomAnswers(r *rand.Rand, p *calculator.Program) []calculator.Member {
	var out []calculator.Member
	for _, q := range p.Questions {
		var v calculator.Value
		switch r.IntN(8) {
		case 0:
			continue
		case 1:
			v = calculator.Str("unknown")
		case 2:
			v = calculator.Str("不是答案")
		default:
			switch q.Type {
			case calculator.TypeBool:
				v = calculator.Bol(r.IntN(2) == 0)
			case calculator.TypeChoice:
				v = calculator.Str(q.Options[r.IntN(len(q.Options))].Value)
			default:
				n := []string{"0", "1", "2", "3", "5", "10", "20", "30", "50", "60", "69.99", "70", "100", "5.5", "1000", "120000", "9999999", "-1", "1e30"}
				v = calculator.Value{Kind: calculator.Number, Text: n[r.IntN(len(n))]}
				if r.IntN(4) == 0 {
					v.Text = strconv.Itoa(r.IntN(200))
				}
			}
		}
		out = append(out, calculator.Member{Key: q.ID, Value: v})
	}
	return out
}

// TestNoExplainSameResults: without explanations, every result is the same
// as with them (status, labels, amounts, criteria, missing, errors, ask),
// except that the calculation text is empty; and reusing a Scratch changes
// nothing either.
func TestNoExplainSameResults(t *testing.T) {
	p := fixture(t)
	r := rand.New(rand.NewPCG(1, 2))
	var inputs []calculator.Input
	for _, ex := range p.Examples {
		inputs = append(inputs, calculator.Input{Date: ex.Date.String(), Audience: ex.Audience, Answers: ex.Answers.Members})
	}
	dates := []string{"2022-01-01", "2023-11-01", "2024-06-30", "2030-01-01"}
	auds := []string{"", "enterprises", "individuals"}
	for range 5000 {
		inputs = append(inputs, calculator.Input{Date: dates[r.IntN(len(dates))], Audience: auds[r.IntN(len(auds))], Answers: randomAnswers(r, p)})
	}
	explained, statuses := 0, map[string]int{}
	var sc calculator.Scratch
	var prev calculator.Result
	var prevJSON []byte
	for i, in := range inputs {
		full := calculator.Eval(p, in)
		// With reused working memory: the same result, and the previous
		// result (made with the same Scratch) is left intact.
		reused := calculator.EvalWith(p, in, calculator.Options{Scratch: &sc})
		if a, b := full.JSON(), reused.JSON(); !bytes.Equal(a, b) {
			t.Fatalf("input %d: results differ with a Scratch\nfresh:  %s\nreused: %s", i, a, b)
		}
		if prevJSON != nil && !bytes.Equal(prev.JSON(), prevJSON) {
			t.Fatalf("input %d: the previous result changed when the Scratch was reused", i)
		}
		prev, prevJSON = reused, reused.JSON()
		quiet := calculator.EvalWith(p, in, calculator.Options{NoExplain: true, Scratch: &sc})
		for k := range full.Results {
			if full.Results[k].Calculation != "" {
				explained++
			}
			if quiet.Results[k].Calculation != "" {
				t.Fatalf("input %d: NoExplain gave a calculation: %q", i, quiet.Results[k].Calculation)
			}
			statuses[full.Results[k].Status]++
			full.Results[k].Calculation = ""
		}
		if a, b := full.JSON(), quiet.JSON(); !bytes.Equal(a, b) {
			t.Fatalf("input %d: results differ\nexplained: %s\nquiet:     %s", i, a, b)
		}
	}
	// Not vacuous: explanations were there to skip, and every status occurred.
	if explained < 1000 {
		t.Fatalf("only %d results had a calculation", explained)
	}
	for _, s := range []string{calculator.Eligible, calculator.Ineligible, calculator.Possible, calculator.Expired, calculator.NotYet} {
		if statuses[s] == 0 {
			t.Errorf("no %s result among %d inputs: %v", s, len(inputs), statuses)
		}
	}
}
