package model

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"policyguide/calculator"
	"policyguide/generator/load"
	"policyguide/generator/site"
)

// validity sets a measure's end dates from the compiled rules, as its own
// document states them (stated): the whole measure ([validity]), or the
// parts whose sentence states a date (a benefit's valid_until, a [[parts]]
// entry).
func validity(prog *calculator.Program, m *site.Measure) {
	{
		for _, b := range prog.Benefits {
			if b.Measure != m.ID {
				continue
			}
			switch b.ValidScope {
			case calculator.ScopeMeasure:
				m.ValidUntil, m.ValidCite, m.ValidAnchor = timeOf(b.ValidUntil), b.ValidCite, b.ValidAnchor
			case calculator.ScopeSentence:
				m.Parts = append(m.Parts, site.ValidPart{Name: b.Name, Until: timeOf(b.ValidUntil), Cite: b.ValidCite, Anchor: b.ValidAnchor})
			}
		}
		for _, x := range prog.Parts {
			if x.Measure == m.ID {
				m.Parts = append(m.Parts, site.ValidPart{Name: x.Name, Until: timeOf(x.ValidUntil), Cite: x.ValidCite, Anchor: x.ValidAnchor})
			}
		}
	}
}

func timeOf(d calculator.Date) time.Time {
	t, _ := time.Parse("2006-01-02", d.String())
	return t
}

// attachRules links the compiled rules into the site as it is built: each
// measure's benefits and parameters, and the calculator page.
func attachRules(c *load.Content, s *site.Site, prog *calculator.Program, in Inputs) {
	byID := map[string]*site.Measure{}
	for _, m := range s.Measures {
		byID[m.ID] = m
	}
	for _, b := range prog.Benefits {
		if m := byID[b.Measure]; m != nil {
			m.Benefits = append(m.Benefits, b.ID)
		}
	}
	paramViews(s, prog)
	calc := &site.Calculator{Title: c.Site.Calculator.Title, Intro: c.Site.Calculator.Intro, RulesURL: "/data/rules.json",
		WasmURL: in.WasmURL, WasmExecURL: in.WasmExecURL}
	if calc.Title == "" {
		calc.Title = "政策计算器"
	}
	byQ := map[string]site.Question{}
	for _, q := range prog.Questions {
		sq := site.Question{ID: q.ID, Label: q.Label, Help: q.Help, Audience: q.Audience, Type: q.Type, Unit: q.Unit, Integer: q.Integer}
		if q.Min != nil {
			sq.Min = q.Min.String()
		}
		if q.Max != nil {
			sq.Max = q.Max.String()
		}
		for _, o := range q.Options {
			sq.Options = append(sq.Options, site.Option{Value: o.Value, Label: o.Label})
		}
		byQ[q.ID] = sq
		calc.Questions = append(calc.Questions, sq)
	}
	calcFlow(calc, s, prog, byQ)
	s.Calculator = calc
}

// calcFlow gives the page its steps: the content's, or one step per
// audience with all its questions when the content declares none.
func calcFlow(calc *site.Calculator, s *site.Site, prog *calculator.Program, byQ map[string]site.Question) {
	sum := sha256.Sum256(prog.JSON())
	calc.RulesHash = hex.EncodeToString(sum[:])[:8]
	used := map[string]bool{}
	if f := prog.Flow; f != nil && len(f.Steps) > 0 {
		calc.Prepare = f.Prepare
		for _, n := range f.Needs {
			calc.Needs = append(calc.Needs, site.CalcNeed{ID: n.ID, Label: n.Label, Hint: n.Hint, Audience: n.Audience, Measures: n.Measures})
		}
		for _, st := range f.Steps {
			cs := site.CalcStep{ID: st.ID, Title: st.Title, Hint: st.Hint, Audience: st.Audience, Needs: st.Needs}
			for _, id := range st.Questions {
				cs.Questions = append(cs.Questions, byQ[id])
			}
			for _, a := range st.Audience {
				used[a] = true
			}
			calc.Steps = append(calc.Steps, cs)
		}
	} else {
		for _, a := range s.Audiences {
			cs := site.CalcStep{ID: "q_" + strings.ReplaceAll(a.ID, "-", "_"), Title: "回答问题", Audience: []string{a.ID}}
			for _, q := range prog.Questions {
				if slices.Contains(q.Audience, a.ID) {
					cs.Questions = append(cs.Questions, byQ[q.ID])
				}
			}
			if len(cs.Questions) > 0 {
				used[a.ID] = true
				calc.Steps = append(calc.Steps, cs)
			}
		}
	}
	for _, a := range s.Audiences {
		if used[a.ID] {
			calc.Audiences = append(calc.Audiences, a)
		}
	}
}

// paramViews lists each measure's parameters with every dated value and the
// document stating it, marking the value in force on the build date.
func paramViews(s *site.Site, prog *calculator.Program) {
	byID := map[string]*site.Measure{}
	for _, m := range s.Measures {
		byID[m.ID] = m
	}
	docs := map[string]*site.Document{}
	for _, d := range s.Documents {
		docs[d.ID] = d
	}
	for _, p := range prog.Params {
		m := byID[p.Measure]
		if m == nil {
			continue
		}
		v := &site.ParamView{Label: p.Label, Unit: p.Unit}
		cur := -1
		for i, pv := range p.Values {
			from, _ := time.Parse("2006-01-02", pv.From.String())
			x := site.ParamValueView{From: from, Value: pv.Value.String(), Cite: pv.Cite, Doc: s.Document}
			if rest, ok := strings.CutPrefix(pv.Anchor, "documents/"); ok {
				id, anchor, _ := strings.Cut(rest, "/#")
				x.Doc, x.URL = docs[id], "/"+pv.Anchor
				_ = anchor
			} else if pv.Anchor != "" {
				x.URL = "/document/#" + pv.Anchor
			}
			x.Stated = x.Doc == nil || !from.Equal(x.Doc.Date)
			if from.After(s.BuildDate) {
				x.Future = true
			} else {
				cur = i
			}
			v.Values = append(v.Values, x)
		}
		// "现行" only while nothing of the measure has ended: a value of an
		// expired part must not read as in force.
		if cur >= 0 && !m.Expired(s.BuildDate) && len(m.ExpiredParts(s.BuildDate)) == 0 {
			v.Values[cur].Current = true
		}
		m.Params = append(m.Params, v)
	}
}
