package match

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/diag"
)

// mappingFile is the TOML of a mapping file (see the README).
type mappingFile struct {
	Audience string         `toml:"audience"`
	Date     *time.Time     `toml:"date"`
	Keep     []string       `toml:"keep"`
	Fixed    map[string]any `toml:"fixed"`
	Columns  []columnSpec   `toml:"columns"`
}

type columnSpec struct {
	Column   string         `toml:"column"`
	Question string         `toml:"question"`
	Unit     string         `toml:"unit"`
	Scale    string         `toml:"scale"`
	Values   map[string]any `toml:"values"`
}

// Mapping is a checked mapping file: which column answers which question.
type Mapping struct {
	File     string
	Audience string
	Date     string // "2006-01-02" from the file; "" = not given
	Keep     []Column
	Columns  []Column
	Fixed    []calculator.Member // answers shared by every row

	prog *calculator.Program
	keys map[string]diag.Pos
}

// Column is one column of the register named by the mapping.
type Column struct {
	Name string // as in the register's header
	Pos  diag.Pos
	// The rest is set for answer columns only.
	Question *calculator.Question
	scale    *calculator.Rat             // unit conversion; nil = none
	values   map[string]calculator.Value // cell text → answer
	labels   map[string]string           // choice: option label → value
	index    int                         // field index in the CSV header (Bind)
}

// moneyUnits are the units a number column may be converted between by
// name; any other conversion needs an explicit scale.
var moneyUnits = map[string]int64{"元": 1, "千元": 1000, "万元": 10000, "百万元": 1000000, "亿元": 100000000}

// LoadMapping reads and checks a mapping file against the program: every
// key known, every question declared and asked to the audience, every
// value a valid answer, every unit convertible. All errors at once, each
// file:line:col.
func LoadMapping(file string, data []byte, p *calculator.Program) (*Mapping, error) {
	var errs diag.List
	var mf mappingFile
	keys, derrs := diag.DecodeTOML(data, file, 1, &mf, "audience、date、keep、fixed、columns；[[columns]] 中：column、question、unit、scale、values")
	errs.Merge(derrs)
	if keys == nil {
		return nil, errs
	}
	m := &Mapping{File: file, Audience: mf.Audience, prog: p, keys: keys}
	if mf.Date != nil {
		m.Date = mf.Date.Format("2006-01-02")
	}

	// Audience: one of the program's.
	auds := audiences(p)
	switch {
	case mf.Audience == "":
		errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "audience is missing: whose benefits are matched (one of %s)", strings.Join(auds, ", "))
	case !contains(auds, mf.Audience):
		errs.Add(m.pos("audience"), "unknown audience %q (the rules have %s)", mf.Audience, strings.Join(auds, ", "))
	}

	qByID := map[string]*calculator.Question{}
	for _, q := range p.Questions {
		qByID[q.ID] = q
	}
	question := func(path, id string) *calculator.Question {
		q := qByID[id]
		switch {
		case id == "":
			errs.Add(m.pos(path), "question is missing")
		case q == nil:
			errs.Add(m.pos(path), "unknown question %q%s", id, suggest(id, p))
		case mf.Audience != "" && !contains(q.Audience, mf.Audience):
			errs.Add(m.pos(path), "question %q is not asked to audience %q (it is asked to %s)", id, mf.Audience, strings.Join(q.Audience, ", "))
			return nil
		default:
			return q
		}
		return nil
	}

	for i, name := range mf.Keep {
		path := "keep"
		if name == "" {
			errs.Add(m.pos(path), "keep[%d] is empty: name a column of the register", i)
		}
		m.Keep = append(m.Keep, Column{Name: name, Pos: m.pos(path), index: -1})
	}

	answered := map[string]string{} // question id → path of its first mapping
	fixedIDs := make([]string, 0, len(mf.Fixed))
	for id := range mf.Fixed {
		fixedIDs = append(fixedIDs, id)
	}
	sort.Strings(fixedIDs)
	for _, id := range fixedIDs {
		path := "fixed." + id
		q := question(path, id)
		if q == nil {
			continue
		}
		v, msg := answerValue(q, mf.Fixed[id])
		if msg != "" {
			errs.Add(m.pos(path), "%s", msg)
			continue
		}
		answered[id] = path
		m.Fixed = append(m.Fixed, calculator.Member{Key: id, Value: v})
	}

	for i, cs := range mf.Columns {
		at := "columns[" + strconv.Itoa(i) + "]"
		c := Column{Name: cs.Column, Pos: m.pos(at + ".column"), index: -1}
		if c.Pos.Line == 0 || cs.Column == "" {
			c.Pos = m.pos(at)
		}
		if cs.Column == "" {
			errs.Add(m.pos(at), "column is missing: the register's column header")
		}
		q := question(at+".question", cs.Question)
		if q == nil {
			continue
		}
		if prev, dup := answered[q.ID]; dup {
			errs.Add(m.pos(at+".question"), "question %q is already answered by %s (%s)", q.ID, prev, m.pos(prev))
			continue
		}
		answered[q.ID] = at
		c.Question = q
		// Unit conversion.
		if cs.Unit != "" || cs.Scale != "" {
			if q.Type != calculator.TypeNumber {
				errs.Add(m.pos(at+".question"), "unit and scale are for number questions; %q is a %s question", q.ID, q.Type)
				continue
			}
		}
		switch {
		case cs.Scale != "":
			s, err := calculator.ParseNumber(strings.TrimSpace(cs.Scale))
			if err != nil || s.Sign() <= 0 {
				errs.Add(m.pos(at+".scale"), "scale %q is not a positive decimal number (the factor from the column's unit to the question's unit, e.g. \"10000\")", cs.Scale)
				continue
			}
			c.scale = &s
		case cs.Unit != "" && cs.Unit != q.Unit:
			from, ok1 := moneyUnits[cs.Unit]
			to, ok2 := moneyUnits[q.Unit]
			if !ok1 || !ok2 {
				errs.Add(m.pos(at+".unit"), "cannot convert %q to the unit of question %q (%q): give scale = \"…\" (the factor) instead; known units: 元, 千元, 万元, 百万元, 亿元", cs.Unit, q.ID, q.Unit)
				continue
			}
			s, err := calculator.Int(from).Div(calculator.Int(to))
			if err != nil {
				errs.Add(m.pos(at+".unit"), "%v", err)
				continue
			}
			c.scale = &s
		}
		if q.Type == calculator.TypeChoice {
			c.labels = map[string]string{}
			for _, o := range q.Options {
				c.labels[o.Label] = o.Value
			}
		}
		if len(cs.Values) > 0 {
			c.values = map[string]calculator.Value{}
			texts := make([]string, 0, len(cs.Values))
			for t := range cs.Values {
				texts = append(texts, t)
			}
			sort.Strings(texts)
			for _, t := range texts {
				v, msg := answerValue(q, cs.Values[t])
				if msg != "" {
					errs.Add(m.valuePos(at, t), "values[%q]: %s", t, msg)
					continue
				}
				c.values[strings.TrimSpace(t)] = v
			}
		}
		m.Columns = append(m.Columns, c)
	}
	if len(mf.Columns) == 0 && len(errs) == 0 {
		errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "no [[columns]]: name at least one column and the question it answers")
	}
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	return m, nil
}

var indexRe = regexp.MustCompile(`\[\d+\]`)

// pos finds a key path ("columns[2].question"); a path without indexes (from
// the TOML metadata) matches its first indexed occurrence.
func (m *Mapping) pos(path string) diag.Pos {
	if p, ok := m.keys[path]; ok {
		return p
	}
	var best diag.Pos
	for k, p := range m.keys {
		if indexRe.ReplaceAllString(k, "") == path && (best.Line == 0 || p.Line < best.Line) {
			best = p
		}
	}
	if best.Line == 0 {
		// The nearest enclosing key.
		if i := strings.LastIndexAny(path, ".["); i > 0 {
			return m.pos(path[:i])
		}
		return diag.Pos{File: m.File, Line: 1, Col: 1}
	}
	return best
}

func (m *Mapping) valuePos(at, text string) diag.Pos {
	if p, ok := m.keys[at+".values."+text]; ok {
		return p
	}
	return m.pos(at + ".values")
}

// answerValue checks a value given in the mapping (fixed answers and value
// maps) and returns it as the page would send it.
func answerValue(q *calculator.Question, v any) (calculator.Value, string) {
	if s, ok := v.(string); ok && s == "unknown" {
		return calculator.Str("unknown"), ""
	}
	switch q.Type {
	case calculator.TypeBool:
		if b, ok := v.(bool); ok {
			return calculator.Bol(b), ""
		}
		return calculator.Value{}, fmt.Sprintf("question %q is yes/no: the value must be true, false or \"unknown\", not %s", q.ID, tomlText(v))
	case calculator.TypeChoice:
		if s, ok := v.(string); ok {
			for _, o := range q.Options {
				if o.Value == s {
					return calculator.Str(s), ""
				}
			}
		}
		var ids []string
		for _, o := range q.Options {
			ids = append(ids, o.Value)
		}
		return calculator.Value{}, fmt.Sprintf("%s is not an option of question %q (options: %s, or \"unknown\")", tomlText(v), q.ID, strings.Join(ids, ", "))
	default:
		var text string
		switch x := v.(type) {
		case int64:
			text = strconv.FormatInt(x, 10)
		case string:
			text = strings.TrimSpace(x)
		case float64:
			return calculator.Value{}, fmt.Sprintf("question %q: write the number %v as a string (\"%v\") so that it stays exact", q.ID, x, x)
		default:
			return calculator.Value{}, fmt.Sprintf("question %q takes a number, not %s", q.ID, tomlText(v))
		}
		if _, err := calculator.ParseNumber(text); err != nil {
			return calculator.Value{}, fmt.Sprintf("question %q takes a number; %q is not a decimal number", q.ID, text)
		}
		return calculator.Value{Kind: calculator.Number, Text: text}, ""
	}
}

func tomlText(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool, int64, float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("a %T", v)
}

func audiences(p *calculator.Program) []string {
	var out []string
	add := func(list []string) {
		for _, a := range list {
			if !contains(out, a) {
				out = append(out, a)
			}
		}
	}
	for _, b := range p.Benefits {
		add(b.Audience)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest names the question whose id or label is closest, for a typo.
func suggest(id string, p *calculator.Program) string {
	for _, q := range p.Questions {
		if strings.EqualFold(q.ID, id) || q.Label == id || q.Short == id {
			return fmt.Sprintf(" (did you mean %q?)", q.ID)
		}
	}
	return " (see the question ids in the calculator's questions file)"
}

// Bind finds the mapping's columns in a CSV header. Every missing or
// ambiguous column is an error at its place in the mapping file.
func (m *Mapping) Bind(header []string, register string) error {
	var errs diag.List
	idx := map[string][]int{}
	for i, h := range header {
		idx[strings.TrimSpace(h)] = append(idx[strings.TrimSpace(h)], i)
	}
	bind := func(c *Column) {
		is := idx[strings.TrimSpace(c.Name)]
		switch {
		case len(is) == 0:
			errs.Add(c.Pos, "column %q is not in %s (its columns: %s)", c.Name, register, strings.Join(quoteAll(header), ", "))
		case len(is) > 1:
			errs.Add(c.Pos, "column %q occurs %d times in the header of %s (fields %s): rename one", c.Name, len(is), register, joinInts(is))
		default:
			c.index = is[0]
		}
	}
	for i := range m.Keep {
		bind(&m.Keep[i])
	}
	for i := range m.Columns {
		bind(&m.Columns[i])
	}
	if len(errs) > 0 {
		return errs.Sort()
	}
	return nil
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strconv.Quote(s)
	}
	if len(out) > 30 {
		out = append(out[:30], "…")
	}
	return out
}

func joinInts(is []int) string {
	var s []string
	for _, i := range is {
		s = append(s, strconv.Itoa(i+1))
	}
	return strings.Join(s, ", ")
}
