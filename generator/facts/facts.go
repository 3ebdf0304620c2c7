// Package facts expands the {{param}}, {{bracket}} and {{until}} references
// of a measure's prose from the compiled rules, and fails the prose that
// states an amount or rate the rules do not hold.
package facts

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"policyguide/calculator"
	"policyguide/calculator/diag"
)

// One home for every fact: an amount, rate or date lives once, in the
// rules. A measure's Markdown (body and summary) refers to it:
//
//	{{param id}}          the value of a param on the reference date ("1000")
//	{{param id 万}}       the same in units of 10,000 ("20" for 200000, written before 万元)
//	{{bracket id N}}      the value of row N (1-based) of a bracket
//	{{until benefit-id}}  the end date of a benefit ("2023年12月31日")
//	{{until measure}}     the end date of the whole measure (its [validity])
//
// id is the param's id in the measure's own rules file, or "measure.id" for
// another measure's. And the build fails when the prose states an amount
// (…元, …万元) or a rate (…%) that is no value of the measure's parameters:
// a figure that was typed instead of referenced, and went stale.

var (
	refRe = regexp.MustCompile(`\{\{\s*(param|bracket|until)\s+([^\s{}]+)(?:\s+([0-9]+|万))?\s*\}\}`)
	// A range "3—15万元" gives both numbers the unit.
	rangeRe  = regexp.MustCompile(`([0-9][0-9,]*(?:\.[0-9]+)?)\s*[—–~-]\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元|%|％)`)
	numberRe = regexp.MustCompile(`([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元|%|％)`)
)

// Facts answers a measure's references from one compiled program.
type Facts struct {
	prog     *calculator.Program
	day      calculator.Date
	params   map[string]*calculator.Param
	brackets map[string]*calculator.Bracket
	benefits map[string]*calculator.Benefit
	money    map[string]map[string]bool // measure → values in 元 (canonical decimal text)
	rates    map[string]map[string]bool // measure → values in %
}

// New reads the facts of p as on day.
func New(p *calculator.Program, day calculator.Date) *Facts {
	f := &Facts{prog: p, day: day, params: map[string]*calculator.Param{}, brackets: map[string]*calculator.Bracket{},
		benefits: map[string]*calculator.Benefit{}, money: map[string]map[string]bool{}, rates: map[string]map[string]bool{}}
	add := func(set map[string]map[string]bool, m string, r calculator.Rat) {
		if set[m] == nil {
			set[m] = map[string]bool{}
		}
		set[m][r.String()] = true
	}
	for _, x := range p.Params {
		f.params[x.ID] = x
		v, ok := x.At(day)
		if !ok && len(x.Values) > 0 {
			v = x.Values[0]
		}
		switch {
		case strings.Contains(x.Unit, "元"):
			add(f.money, x.Measure, v.Value)
		case x.Unit == "%":
			add(f.rates, x.Measure, v.Value)
		}
	}
	for _, b := range p.Brackets {
		f.brackets[b.ID] = b
		for _, r := range b.Rows {
			if strings.Contains(b.Unit, "元") {
				add(f.money, b.Measure, r.Value)
			}
			// The bounds of a bracket are thresholds of its argument (a rate).
			for _, bound := range []*calculator.Rat{r.From, r.Below} {
				if bound != nil {
					add(f.rates, b.Measure, *bound)
				}
			}
		}
	}
	for _, b := range p.Benefits {
		f.benefits[b.ID] = b
	}
	return f
}

// Expand replaces the references in src (at is the position of its first
// byte) and checks its figures.
func (f *Facts) Expand(measure string, at diag.Pos, src []byte) ([]byte, diag.List) {
	var errs diag.List
	pos := func(off int) diag.Pos {
		line, col := diag.LineCol(src, off)
		p := diag.Pos{File: at.File, Line: at.Line + line - 1, Col: col}
		if line == 1 {
			p.Col = at.Col + col - 1
		}
		return p
	}
	var out []byte
	masked := []byte(string(src)) // src with references blanked, for the figure check
	last := 0
	for _, m := range refRe.FindAllSubmatchIndex(src, -1) {
		kind, id := string(src[m[2]:m[3]]), string(src[m[4]:m[5]])
		n, arg := -1, ""
		if m[6] >= 0 {
			arg = string(src[m[6]:m[7]])
			n, _ = strconv.Atoi(arg)
		}
		text, msg := f.resolve(measure, kind, id, n, arg)
		if msg != "" {
			errs.Add(pos(m[0]), "%s", msg)
		}
		out = append(out, src[last:m[0]]...)
		out = append(out, text...)
		last = m[1]
		for i := m[0]; i < m[1]; i++ {
			masked[i] = ' '
		}
	}
	out = append(out, src[last:]...)
	errs.Merge(f.check(measure, masked, pos))
	return out, errs
}

func (f *Facts) qualify(measure, id string) string {
	if strings.Contains(id, ".") {
		return id
	}
	return measure + "." + id
}

func (f *Facts) resolve(measure, kind, id string, n int, arg string) (string, string) {
	switch kind {
	case "param":
		x := f.params[f.qualify(measure, id)]
		if x == nil {
			return "", "{{param " + id + "}}: no such param in the rules of measure " + measure
		}
		v, ok := x.At(f.day)
		if !ok {
			v = x.Values[0]
		}
		switch arg {
		case "":
			return v.Value.String(), ""
		case "万":
			w, err := v.Value.Div(calculator.Int(10000))
			if err != nil {
				return "", err.Error()
			}
			return w.String(), ""
		}
		return "", "{{param " + id + " " + arg + "}}: the only scale is 万"
	case "bracket":
		if n < 0 {
			return "", "{{bracket " + id + " N}}: give the row number N"
		}
		b := f.brackets[f.qualify(measure, id)]
		switch {
		case b == nil:
			return "", "{{bracket " + id + " N}}: no such bracket in the rules of measure " + measure
		case n < 1 || n > len(b.Rows):
			return "", "{{bracket " + id + " N}}: N must be a row number from 1 to " + strconv.Itoa(len(b.Rows))
		}
		return b.Rows[n-1].Value.String(), ""
	case "until":
		if id == "measure" {
			for _, x := range f.prog.Benefits {
				if x.Measure == measure && x.ValidScope == calculator.ScopeMeasure {
					return x.ValidUntil.Chinese(), ""
				}
			}
			return "", "{{until measure}}: the rules of measure " + measure + " state no end date for the whole measure ([validity])"
		}
		b := f.benefits[id]
		switch {
		case b == nil:
			return "", "{{until " + id + "}}: no such benefit"
		case b.ValidUntil == 0:
			return "", "{{until " + id + "}}: the document states no end date for " + id
		}
		return b.ValidUntil.Chinese(), ""
	}
	return "", "unknown reference " + kind
}

// check reports figures of the prose that no parameter of the measure has.
// Worked examples (sections whose heading says 示例), quotations of the
// document (blockquotes, 原文 sections) and code are not prose claims.
func (f *Facts) check(measure string, src []byte, pos func(int) diag.Pos) diag.List {
	var errs diag.List
	money, rates := f.money[measure], f.rates[measure]
	if len(money) == 0 && len(rates) == 0 {
		return nil
	}
	skip, fence := false, false
	off := 0
	for _, line := range strings.SplitAfter(string(src), "\n") {
		start := off
		off += len(line)
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			fence = !fence
			continue
		case fence:
			continue
		case strings.HasPrefix(t, "#"):
			skip = strings.Contains(t, "示例") || strings.Contains(t, "原文")
			continue
		case skip || strings.HasPrefix(t, ">"):
			continue
		}
		claim := func(numOff int, num, unit string) {
			r, err := calculator.ParseNumber(strings.ReplaceAll(num, ",", ""))
			if err != nil {
				return
			}
			set, what := money, "元"
			switch unit {
			case "万元":
				r, _ = r.Mul(calculator.Int(10000))
			case "%", "％":
				set, what = rates, "%"
			}
			if len(set) == 0 || set[r.String()] {
				return
			}
			errs.Add(pos(start+numOff), "%s%s in the prose of measure %s is no value of its rules (%s): write it as {{param id}} so the page, the calculator and the open data say the same",
				num, unit, measure, known(set, what))
		}
		masked := []byte(line)
		for _, m := range rangeRe.FindAllStringSubmatchIndex(line, -1) {
			unit := line[m[6]:m[7]]
			claim(m[2], line[m[2]:m[3]], unit)
			claim(m[4], line[m[4]:m[5]], unit)
			for i := m[0]; i < m[1]; i++ {
				masked[i] = ' '
			}
		}
		rest := string(masked)
		for _, m := range numberRe.FindAllStringSubmatchIndex(rest, -1) {
			// A digit run glued to a preceding letter or digit ("m8", "p21") is an id, not a figure.
			if m[2] > 0 {
				if r, _ := utf8.DecodeLastRuneInString(rest[:m[2]]); r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '_') {
					continue
				}
			}
			claim(m[2], rest[m[2]:m[3]], rest[m[4]:m[5]])
		}
	}
	return errs
}

func known(set map[string]bool, unit string) string {
	var vs []string
	for v := range set {
		vs = append(vs, v+unit)
	}
	// small sets: insertion sort for a stable message
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j] < vs[j-1]; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
	return strings.Join(vs, "、")
}
