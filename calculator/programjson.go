package calculator

import (
	"errors"
	"strconv"
)

// FormatID names the version of the rules.json format.
const FormatID = "policyguide-rules/1"

// JSON encodes the program as the open-data rules.json: indented objects,
// expression trees kept on one line next to their source text. Decoding it
// with DecodeProgram and encoding again gives the same bytes.
func (p *Program) JSON() []byte {
	w := &writer{first: true, pretty: true}
	w.open('{')
	w.kstr("format", FormatID)
	w.kstr("notice", p.Notice)
	w.kstrOpt("basis", p.Basis.String())
	w.kstrOpt("basis_name", p.BasisName)

	w.key("questions")
	w.open('[')
	for _, q := range p.Questions {
		w.sep()
		w.open('{')
		w.kstr("id", q.ID)
		w.kstrs("audience", q.Audience)
		w.kstr("type", q.Type)
		w.kstr("label", q.Label)
		w.kstrOpt("short", q.Short)
		w.kstrOpt("help", q.Help)
		w.kstrOpt("unit", q.Unit)
		w.krat("min", q.Min)
		w.krat("max", q.Max)
		if q.Integer {
			w.key("integer")
			w.boolean(true)
		}
		if len(q.Options) > 0 {
			w.key("options")
			w.open('[')
			for _, o := range q.Options {
				w.sep()
				w.inline(func() {
					w.open('{')
					w.kstr("value", o.Value)
					w.kstr("label", o.Label)
					w.close('}')
				})
			}
			w.close(']')
		}
		w.close('}')
	}
	w.close(']')

	w.key("params")
	w.open('[')
	for _, x := range p.Params {
		w.sep()
		w.open('{')
		w.kstr("id", x.ID)
		w.kstr("measure", x.Measure)
		w.kstr("label", x.Label)
		w.kstrOpt("unit", x.Unit)
		w.key("values")
		w.open('[')
		for _, v := range x.Values {
			w.sep()
			w.open('{')
			w.kstr("from", v.From.String())
			w.kstr("value", v.Value.String())
			w.kstr("cite", v.Cite)
			w.kstrOpt("anchor", v.Anchor)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	}
	w.close(']')

	w.key("brackets")
	w.open('[')
	for _, b := range p.Brackets {
		w.sep()
		w.open('{')
		w.kstr("id", b.ID)
		w.kstr("measure", b.Measure)
		w.kstr("label", b.Label)
		w.kstrOpt("unit", b.Unit)
		w.kstr("cite", b.Cite)
		w.kstrOpt("anchor", b.Anchor)
		w.key("rows")
		w.open('[')
		for _, r := range b.Rows {
			w.sep()
			w.inline(func() {
				w.open('{')
				w.krat("from", r.From)
				w.krat("below", r.Below)
				w.kstr("value", r.Value.String())
				w.close('}')
			})
		}
		w.close(']')
		w.close('}')
	}
	w.close(']')

	w.key("benefits")
	w.open('[')
	for _, b := range p.Benefits {
		w.sep()
		w.open('{')
		w.kstr("id", b.ID)
		w.kstr("measure", b.Measure)
		w.kstr("name", b.Name)
		w.kstrs("audience", b.Audience)
		w.kstr("kind", b.Kind)
		w.kstrOpt("fund", b.Fund)
		w.kstrs("departments", b.Departments)
		w.kstrOpt("valid_from", b.ValidFrom.String())
		w.kstrOpt("valid_from_cite", b.ValidFromCite)
		w.kstrOpt("valid_from_anchor", b.ValidFromAnchor)
		w.kstrOpt("valid_until", b.ValidUntil.String())
		w.kstrOpt("valid_scope", b.ValidScope)
		w.kstrOpt("valid_cite", b.ValidCite)
		w.kstrOpt("valid_anchor", b.ValidAnchor)
		w.kstrOpt("claim", b.Claim)
		w.kstrOpt("claim_note", b.ClaimNote)
		w.kstr("form", b.Form)
		for i, f := range b.amountFormulas() {
			if f != nil {
				w.key(amountFields[i])
				w.formula(f)
			}
		}
		w.kstrOpt("unit", b.Unit)
		w.key("criteria")
		w.open('[')
		for _, c := range b.Criteria {
			w.sep()
			w.open('{')
			w.kstr("label", c.Label)
			w.key("expr")
			w.formula(c.Expr)
			w.kstr("cite", c.Cite)
			w.kstrOpt("anchor", c.Anchor)
			if c.Open {
				w.key("open")
				w.boolean(true)
			}
			w.close('}')
		}
		w.close(']')
		w.key("notes")
		w.open('[')
		for _, n := range b.Notes {
			w.sep()
			w.open('{')
			w.kstr("text", n.Text)
			w.kstrOpt("cite", n.Cite)
			w.kstrOpt("anchor", n.Anchor)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	}
	w.close(']')

	w.key("exclusions")
	w.open('[')
	for _, x := range p.Exclusions {
		w.sep()
		w.open('{')
		w.kstrs("benefits", x.Benefits)
		w.kstrOpt("overlap", x.Overlap)
		w.kstr("label", x.Label)
		w.kstr("cite", x.Cite)
		w.kstrOpt("anchor", x.Anchor)
		w.close('}')
	}
	w.close(']')

	if len(p.Parts) > 0 {
		w.key("parts")
		w.open('[')
		for _, x := range p.Parts {
			w.sep()
			w.open('{')
			w.kstr("measure", x.Measure)
			w.kstr("name", x.Name)
			w.kstr("cite", x.Cite)
			w.kstrOpt("anchor", x.Anchor)
			w.kstr("valid_until", x.ValidUntil.String())
			w.kstr("valid_scope", x.ValidScope)
			w.kstr("valid_cite", x.ValidCite)
			w.kstrOpt("valid_anchor", x.ValidAnchor)
			w.close('}')
		}
		w.close(']')
	}

	w.key("examples")
	w.open('[')
	for _, ex := range p.Examples {
		w.sep()
		w.open('{')
		w.kstr("name", ex.Name)
		w.kstrOpt("file", ex.File)
		w.key("index")
		w.b = strconv.AppendInt(w.b, int64(ex.Index), 10)
		w.kstr("date", ex.Date.String())
		w.kstrOpt("audience", ex.Audience)
		w.key("answers")
		w.inline(func() { w.value(ex.Answers) })
		w.key("expect")
		w.open('[')
		for _, e := range ex.Expect {
			w.sep()
			w.inline(func() {
				w.open('{')
				w.kstr("benefit", e.Benefit)
				w.kstrOpt("status", e.Status)
				w.krat("amount", e.Amount)
				w.krat("amount_min", e.AmountMin)
				w.krat("amount_max", e.AmountMax)
				w.krat("term_months", e.TermMonths)
				if e.HasMissing {
					w.kstrs("missing", e.Missing)
				}
				w.close('}')
			})
		}
		w.close(']')
		w.close('}')
	}
	w.close(']')
	w.close('}')
	w.b = append(w.b, '\n')
	return w.b
}

// inline writes fn's output on one line even in pretty mode.
func (w *writer) inline(fn func()) {
	saved := w.pretty
	w.pretty = false
	fn()
	w.pretty = saved
}

// krat writes an optional number as an exact decimal string.
func (w *writer) krat(k string, r *Rat) {
	if r != nil {
		w.kstr(k, r.String())
	}
}

func (w *writer) formula(f *Formula) {
	w.inline(func() {
		w.open('{')
		w.kstr("src", f.Src)
		w.key("tree")
		w.tree(f.Root)
		w.close('}')
	})
}

// tree writes an expression as a prefix array: ["<=",["q","rate"],["num","5.5"]].
func (w *writer) tree(e *Expr) {
	w.open('[')
	w.sep()
	w.str(e.Op)
	switch e.Op {
	case OpQuestion, OpParam, OpStr:
		w.sep()
		w.str(e.Name)
	case OpNum:
		w.sep()
		w.str(e.Num.String())
	case OpBool:
		w.sep()
		w.boolean(e.Bool)
	case OpBracket:
		w.sep()
		w.str(e.Name)
	}
	for _, a := range e.Args {
		w.sep()
		w.tree(a)
	}
	w.close(']')
}

// DecodeProgram reads rules.json (as written by JSON) and checks it. It
// never panics; any problem is returned as an error.
func DecodeProgram(data []byte) (*Program, error) {
	v, err := ParseJSON(data)
	if err != nil {
		return nil, err
	}
	d := &pdec{}
	p := d.program(v)
	if d.err != nil {
		return nil, d.err
	}
	if probs := p.Check(); len(probs) > 0 {
		msg := "规则有误：" + probs[0].Msg
		if probs[0].Formula != nil {
			msg += "（" + probs[0].Formula.Src + "）"
		}
		if len(probs) > 1 {
			msg += "；另有" + strconv.Itoa(len(probs)-1) + "处错误"
		}
		return nil, errors.New(msg)
	}
	return p, nil
}

// pdec decodes with strict keys, remembering the first error and its path.
type pdec struct{ err error }

func (d *pdec) fail(path, msg string) {
	if d.err == nil {
		d.err = errors.New("rules.json " + path + "：" + msg)
	}
}

// obj checks that v is an object with only the allowed keys.
func (d *pdec) obj(v Value, path string, keys ...string) bool {
	if v.Kind != Object {
		d.fail(path, "应为对象")
		return false
	}
	for _, m := range v.Members {
		ok := false
		for _, k := range keys {
			ok = ok || m.Key == k
		}
		if !ok {
			d.fail(path, "未知的键 "+strconv.Quote(m.Key))
			return false
		}
	}
	return true
}

func (d *pdec) str(v Value, key, path string, required bool) string {
	m, ok := v.Get(key)
	switch {
	case !ok && required:
		d.fail(path, "缺少 "+key)
	case ok && m.Kind != String:
		d.fail(path+"."+key, "应为字符串")
	}
	return m.Text
}

func (d *pdec) strs(v Value, key, path string) []string {
	m, ok := v.Get(key)
	if !ok {
		return nil
	}
	if m.Kind != Array {
		d.fail(path+"."+key, "应为数组")
		return nil
	}
	out := []string{}
	for _, it := range m.Items {
		if it.Kind != String {
			d.fail(path+"."+key, "应为字符串数组")
		}
		out = append(out, it.Text)
	}
	return out
}

func (d *pdec) arr(v Value, key, path string) []Value {
	m, ok := v.Get(key)
	if ok && m.Kind != Array {
		d.fail(path+"."+key, "应为数组")
	}
	return m.Items
}

func (d *pdec) rat(v Value, key, path string) *Rat {
	m, ok := v.Get(key)
	if !ok {
		return nil
	}
	if m.Kind != String {
		d.fail(path+"."+key, "应为用字符串写的数字")
		return nil
	}
	r, err := ParseNumber(m.Text)
	if err != nil {
		d.fail(path+"."+key, err.Error())
		return nil
	}
	return &r
}

func (d *pdec) date(v Value, key, path string, required bool) Date {
	s := d.str(v, key, path, required)
	if s == "" {
		return 0
	}
	day := ParseDate(s)
	if day == 0 {
		d.fail(path+"."+key, "日期应写作 2006-01-02")
	}
	return day
}

func idx(path, key string, i int) string { return path + "." + key + "[" + strconv.Itoa(i) + "]" }

func (d *pdec) program(v Value) *Program {
	p := &Program{}
	if !d.obj(v, "", "format", "notice", "basis", "basis_name", "questions", "params", "brackets", "benefits", "exclusions", "parts", "examples") {
		return p
	}
	p.Basis, p.BasisName = d.date(v, "basis", "", false), d.str(v, "basis_name", "", false)
	if f := d.str(v, "format", "", true); f != FormatID && d.err == nil {
		d.fail("format", "格式 "+strconv.Quote(f)+" 不是 "+FormatID)
	}
	p.Notice = d.str(v, "notice", "", false)
	for i, qv := range d.arr(v, "questions", "") {
		path := idx("", "questions", i)
		if !d.obj(qv, path, "id", "audience", "type", "label", "short", "help", "unit", "min", "max", "integer", "options") {
			break
		}
		q := &Question{
			ID: d.str(qv, "id", path, true), Audience: d.strs(qv, "audience", path),
			Type: d.str(qv, "type", path, true), Label: d.str(qv, "label", path, true),
			Short: d.str(qv, "short", path, false), Help: d.str(qv, "help", path, false),
			Unit: d.str(qv, "unit", path, false), Min: d.rat(qv, "min", path), Max: d.rat(qv, "max", path),
		}
		if iv, ok := qv.Get("integer"); ok {
			if iv.Kind != Bool {
				d.fail(path+".integer", "应为 true 或 false")
			}
			q.Integer = iv.Bool
		}
		for k, ov := range d.arr(qv, "options", path) {
			op := idx(path, "options", k)
			if d.obj(ov, op, "value", "label") {
				q.Options = append(q.Options, Option{Value: d.str(ov, "value", op, true), Label: d.str(ov, "label", op, true)})
			}
		}
		p.Questions = append(p.Questions, q)
	}
	for i, xv := range d.arr(v, "params", "") {
		path := idx("", "params", i)
		if !d.obj(xv, path, "id", "measure", "label", "unit", "values") {
			break
		}
		x := &Param{ID: d.str(xv, "id", path, true), Measure: d.str(xv, "measure", path, true),
			Label: d.str(xv, "label", path, true), Unit: d.str(xv, "unit", path, false)}
		for k, vv := range d.arr(xv, "values", path) {
			vp := idx(path, "values", k)
			if !d.obj(vv, vp, "from", "value", "cite", "anchor") {
				break
			}
			pv := ParamValue{From: d.date(vv, "from", vp, true), Cite: d.str(vv, "cite", vp, true), Anchor: d.str(vv, "anchor", vp, false)}
			if r := d.rat(vv, "value", vp); r != nil {
				pv.Value = *r
			} else {
				d.fail(vp, "缺少 value")
			}
			x.Values = append(x.Values, pv)
		}
		p.Params = append(p.Params, x)
	}
	for i, bv := range d.arr(v, "brackets", "") {
		path := idx("", "brackets", i)
		if !d.obj(bv, path, "id", "measure", "label", "unit", "cite", "anchor", "rows") {
			break
		}
		b := &Bracket{ID: d.str(bv, "id", path, true), Measure: d.str(bv, "measure", path, true),
			Label: d.str(bv, "label", path, true), Unit: d.str(bv, "unit", path, false),
			Cite: d.str(bv, "cite", path, true), Anchor: d.str(bv, "anchor", path, false)}
		for k, rv := range d.arr(bv, "rows", path) {
			rp := idx(path, "rows", k)
			if !d.obj(rv, rp, "from", "below", "value") {
				break
			}
			r := Row{From: d.rat(rv, "from", rp), Below: d.rat(rv, "below", rp)}
			if val := d.rat(rv, "value", rp); val != nil {
				r.Value = *val
			} else {
				d.fail(rp, "缺少 value")
			}
			b.Rows = append(b.Rows, r)
		}
		p.Brackets = append(p.Brackets, b)
	}
	for i, bv := range d.arr(v, "benefits", "") {
		path := idx("", "benefits", i)
		if !d.obj(bv, path, append([]string{"id", "measure", "name", "audience", "kind", "fund", "departments",
			"valid_from", "valid_from_cite", "valid_from_anchor", "valid_until", "valid_scope", "valid_cite", "valid_anchor",
			"claim", "claim_note", "form", "unit", "criteria", "notes"}, amountFields...)...) {
			break
		}
		b := &Benefit{ID: d.str(bv, "id", path, true), Measure: d.str(bv, "measure", path, true),
			Name: d.str(bv, "name", path, true), Audience: d.strs(bv, "audience", path),
			Kind: d.str(bv, "kind", path, true), Fund: d.str(bv, "fund", path, false),
			Departments: d.strs(bv, "departments", path),
			ValidFrom:   d.date(bv, "valid_from", path, false), ValidUntil: d.date(bv, "valid_until", path, false),
			Form: d.str(bv, "form", path, true), Unit: d.str(bv, "unit", path, false),
			ValidFromCite: d.str(bv, "valid_from_cite", path, false), ValidFromAnchor: d.str(bv, "valid_from_anchor", path, false),
			ValidScope: d.str(bv, "valid_scope", path, false), ValidCite: d.str(bv, "valid_cite", path, false),
			ValidAnchor: d.str(bv, "valid_anchor", path, false), Claim: d.str(bv, "claim", path, false),
			ClaimNote: d.str(bv, "claim_note", path, false)}
		fs := []**Formula{&b.Amount, &b.PerPerson, &b.Persons, &b.AmountMin, &b.AmountMax, &b.TermMonths, &b.Cap}
		for k, name := range amountFields {
			if fv, ok := bv.Get(name); ok {
				*fs[k] = d.formula(fv, path+"."+name)
			}
		}
		for k, cv := range d.arr(bv, "criteria", path) {
			cp := idx(path, "criteria", k)
			if !d.obj(cv, cp, "label", "expr", "cite", "anchor", "open") {
				break
			}
			ev, _ := cv.Get("expr")
			cr := Criterion{Label: d.str(cv, "label", cp, true), Expr: d.formula(ev, cp+".expr"),
				Cite: d.str(cv, "cite", cp, true), Anchor: d.str(cv, "anchor", cp, false)}
			if ov, ok := cv.Get("open"); ok {
				if ov.Kind != Bool {
					d.fail(cp+".open", "应为 true 或 false")
				}
				cr.Open = ov.Bool
			}
			b.Criteria = append(b.Criteria, cr)
		}
		for k, nv := range d.arr(bv, "notes", path) {
			np := idx(path, "notes", k)
			if !d.obj(nv, np, "text", "cite", "anchor") {
				break
			}
			b.Notes = append(b.Notes, Note{Text: d.str(nv, "text", np, true), Cite: d.str(nv, "cite", np, false), Anchor: d.str(nv, "anchor", np, false)})
		}
		p.Benefits = append(p.Benefits, b)
	}
	for i, xv := range d.arr(v, "exclusions", "") {
		path := idx("", "exclusions", i)
		if !d.obj(xv, path, "benefits", "overlap", "label", "cite", "anchor") {
			break
		}
		p.Exclusions = append(p.Exclusions, &Exclusion{Benefits: d.strs(xv, "benefits", path),
			Overlap: d.str(xv, "overlap", path, false), Label: d.str(xv, "label", path, true),
			Cite: d.str(xv, "cite", path, true), Anchor: d.str(xv, "anchor", path, false)})
	}
	for i, xv := range d.arr(v, "parts", "") {
		path := idx("", "parts", i)
		if !d.obj(xv, path, "measure", "name", "cite", "anchor", "valid_until", "valid_scope", "valid_cite", "valid_anchor") {
			break
		}
		p.Parts = append(p.Parts, &Part{Measure: d.str(xv, "measure", path, true), Name: d.str(xv, "name", path, true),
			Cite: d.str(xv, "cite", path, true), Anchor: d.str(xv, "anchor", path, false),
			ValidUntil: d.date(xv, "valid_until", path, true), ValidScope: d.str(xv, "valid_scope", path, true),
			ValidCite: d.str(xv, "valid_cite", path, true), ValidAnchor: d.str(xv, "valid_anchor", path, false)})
	}
	for i, ev := range d.arr(v, "examples", "") {
		path := idx("", "examples", i)
		if !d.obj(ev, path, "name", "file", "index", "date", "audience", "answers", "expect") {
			break
		}
		ex := &Example{Name: d.str(ev, "name", path, true), File: d.str(ev, "file", path, false),
			Date: d.date(ev, "date", path, true), Audience: d.str(ev, "audience", path, false)}
		if iv, ok := ev.Get("index"); ok {
			n, err := strconv.Atoi(iv.Text)
			if iv.Kind != Number || err != nil || n < 0 {
				d.fail(path+".index", "应为非负整数")
			}
			ex.Index = n
		}
		ex.Answers, _ = ev.Get("answers")
		if ex.Answers.Kind != Object {
			d.fail(path+".answers", "应为对象")
		}
		for k, xv := range d.arr(ev, "expect", path) {
			xp := idx(path, "expect", k)
			if !d.obj(xv, xp, "benefit", "status", "amount", "amount_min", "amount_max", "term_months", "missing") {
				break
			}
			e := Expect{Benefit: d.str(xv, "benefit", xp, true), Status: d.str(xv, "status", xp, false),
				Amount: d.rat(xv, "amount", xp), AmountMin: d.rat(xv, "amount_min", xp),
				AmountMax: d.rat(xv, "amount_max", xp), TermMonths: d.rat(xv, "term_months", xp)}
			if _, ok := xv.Get("missing"); ok {
				e.HasMissing = true
				e.Missing = d.strs(xv, "missing", xp)
			}
			ex.Expect = append(ex.Expect, e)
		}
		p.Examples = append(p.Examples, ex)
	}
	return p
}

func (d *pdec) formula(v Value, path string) *Formula {
	if !d.obj(v, path, "src", "tree") {
		return nil
	}
	t, ok := v.Get("tree")
	if !ok {
		d.fail(path, "缺少 tree")
		return nil
	}
	return &Formula{Src: d.str(v, "src", path, true), Root: d.tree(t, path+".tree", 0)}
}

func (d *pdec) tree(v Value, path string, depth int) *Expr {
	if depth > maxDepth || v.Kind != Array || len(v.Items) == 0 || v.Items[0].Kind != String {
		d.fail(path, "表达式树应为 [运算, 参数…] 形式的数组")
		return nil
	}
	e := &Expr{Op: v.Items[0].Text}
	args := v.Items[1:]
	leaf := func(k Kind) (Value, bool) {
		if len(args) != 1 || args[0].Kind != k {
			d.fail(path, "运算 "+strconv.Quote(e.Op)+" 的参数不正确")
			return Value{}, false
		}
		return args[0], true
	}
	switch e.Op {
	case OpQuestion, OpParam, OpStr:
		a, _ := leaf(String)
		e.Name = a.Text
		return e
	case OpNum:
		a, _ := leaf(String)
		r, err := ParseNumber(a.Text)
		if err != nil {
			d.fail(path, err.Error())
		}
		e.Num = r
		return e
	case OpBool:
		a, _ := leaf(Bool)
		e.Bool = a.Bool
		return e
	case OpBracket:
		if len(args) == 0 || args[0].Kind != String {
			d.fail(path, "分档表调用应为 [\"bracket\", 名称, 参数]")
			return nil
		}
		e.Name = args[0].Text
		args = args[1:]
	}
	for i, a := range args {
		sub := d.tree(a, path+"["+strconv.Itoa(i+1)+"]", depth+1)
		if sub == nil {
			return nil
		}
		e.Args = append(e.Args, sub)
	}
	return e
}
