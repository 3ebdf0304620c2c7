package calculator

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// Evaluate reads the JSON input of the page (or the eval command) and
// returns the JSON result. It never fails: problems with the input are
// reported in "errors".
func Evaluate(p *Program, inputJSON []byte) []byte {
	return AppendEvaluate(nil, p, inputJSON)
}

// AppendEvaluate is Evaluate appending to dst, so that a caller evaluating
// on every keystroke (the wasm) can reuse one buffer: less garbage, fewer
// GC cycles, which is most of the cost in the browser.
func AppendEvaluate(dst []byte, p *Program, inputJSON []byte) []byte {
	in, errs := DecodeInput(inputJSON)
	res := Eval(p, in)
	res.Errors = append(errs, res.Errors...)
	return res.AppendJSON(dst)
}

// DecodeInput reads {"date":…, "audience":…, "answers":{…}}. What cannot be
// used is reported and left out.
func DecodeInput(data []byte) (Input, []InputError) {
	var in Input
	var errs []InputError
	if len(data) > MaxInputBytes {
		return in, []InputError{{Field: "input", Message: "输入过大（" + strconv.Itoa(len(data)) + "字节，上限" + strconv.Itoa(MaxInputBytes) + "字节）"}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return in, []InputError{{Field: "input", Message: "输入为空：应为JSON对象，如 {\"answers\":{}}"}}
	}
	v, err := parseJSON(data, MaxInputValues)
	if err != nil {
		return in, []InputError{{Field: "input", Message: "输入不是有效的JSON：" + err.Error()}}
	}
	if v.Kind != Object {
		return in, []InputError{{Field: "input", Message: "输入应为JSON对象"}}
	}
	for _, m := range v.Members {
		switch m.Key {
		case "date", "audience":
			switch {
			case m.Value.Kind == String && m.Key == "date":
				in.Date = m.Value.Text
			case m.Value.Kind == String:
				in.Audience = m.Value.Text
			case m.Value.Kind != Null:
				errs = append(errs, InputError{Field: m.Key, Message: m.Key + " 应为字符串，已忽略"})
			}
		case "answers":
			switch m.Value.Kind {
			case Object:
				in.Answers = m.Value.Members
			case Null:
			default:
				errs = append(errs, InputError{Field: "answers", Message: "answers 应为对象（问题id: 答案），已忽略"})
			}
		default:
			in.Extra = append(in.Extra, m.Key)
		}
	}
	return in, errs
}

// Limits of one evaluation input: far above what a page sends (a few hundred
// bytes, a few dozen answers), low enough that hostile input is cheap to refuse.
// Nesting is bounded by the JSON reader (maxDepth).
const (
	MaxInputBytes  = 1 << 20
	MaxInputValues = 10000
)

// StrictInput decodes input for a command-line or server caller that must not
// guess: invalid, empty or non-object JSON, an unknown top-level key, a field
// of the wrong type and a date that is not a real YYYY-MM-DD day are errors
// (the page's lenient path, Evaluate, reports them inside the result instead).
func StrictInput(data []byte) (Input, error) {
	in, errs := DecodeInput(data)
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Message)
	}
	for _, k := range in.Extra {
		msgs = append(msgs, "未知的顶层字段 "+strconv.Quote(k)+"（只允许 date、audience、answers）")
	}
	if in.Date != "" && ParseDate(in.Date) == 0 {
		msgs = append(msgs, "日期“"+in.Date+"”无效，应写作 2023-11-01 这样的格式")
	}
	if len(msgs) > 0 {
		return Input{}, errors.New(strings.Join(msgs, "；"))
	}
	return in, nil
}

// JSON writes the result in the format of the spec. The answer-independent
// texts of each benefit (name, criteria, notes, departments) are written
// from the program's pre-encoded copy, so r should be as Eval returned it.
func (r Result) JSON() []byte { return r.AppendJSON(nil) }

// AppendJSON appends the JSON of the result to dst.
func (r Result) AppendJSON(dst []byte) []byte {
	size := 1024
	for i := range r.Results {
		if st := r.Results[i].static; st != nil {
			size += len(st.head) + len(st.notes) + len(st.tail) + 1024
			for _, c := range st.crit {
				size += len(c[0]) + len(c[1]) + 8
			}
		}
	}
	if cap(dst)-len(dst) < size {
		dst = append(make([]byte, 0, len(dst)+size), dst...) // one allocation for the whole output
	}
	w := &writer{first: true, b: dst, valid: true, safe: r.safe}
	w.open('{')
	w.kstr("date", r.Date)
	w.kstr("audience", r.Audience)
	w.key("errors")
	w.open('[')
	for _, e := range r.Errors {
		w.sep()
		w.open('{')
		w.kstrOpt("question", e.Question)
		w.kstrOpt("field", e.Field)
		w.kstrOpt("benefit", e.Benefit)
		w.kstr("message", e.Message)
		w.close('}')
	}
	w.close(']')
	w.key("ask")
	w.open('[')
	for _, id := range r.Ask {
		w.sep()
		w.tstr(id)
	}
	w.close(']')
	w.key("results")
	w.open('[')
	for _, b := range r.Results {
		w.sep()
		b.write(w)
	}
	w.close(']')
	w.kstr("notice", r.Notice)
	w.close('}')
	return w.b
}

// staticJSON holds the parts of a benefit's result that do not depend on
// the answers, encoded once (in Check): most of the output is labels and
// citations, and re-escaping them on every keystroke would dominate the
// evaluation time in the browser.
type staticJSON struct {
	head  []byte      // {"benefit":…,"measure":…,"name":…,"kind":…
	crit  [][2][]byte // per criterion: {"label":…,"met":  and  ,"cite":…,"anchor":…}
	notes []byte      // ,"notes":[…]
	tail  []byte      // ,"fund":…,"departments":[…],"valid_from":…,"valid_until":…
}

// buildStatic encodes the answer-independent fields of r.
func buildStatic(r *BenefitResult) *staticJSON {
	st := &staticJSON{}
	w := &writer{first: true}
	w.open('{')
	w.kstr("benefit", r.Benefit)
	w.kstr("measure", r.Measure)
	w.kstr("name", r.Name)
	w.kstr("kind", r.Kind)
	st.head = w.take()
	for _, c := range r.Criteria {
		w.first = true
		w.open('{')
		w.kstr("label", c.Label)
		w.key("met")
		pre := w.take()
		w.kstr("cite", c.Cite)
		w.kstrOpt("anchor", c.Anchor)
		if c.Open {
			w.key("open")
			w.boolean(true)
		}
		w.close('}')
		st.crit = append(st.crit, [2][]byte{pre, w.take()})
	}
	w.first = false
	w.key("notes")
	w.open('[')
	for _, n := range r.Notes {
		w.sep()
		w.open('{')
		w.kstr("text", n.Text)
		w.kstrOpt("cite", n.Cite)
		w.kstrOpt("anchor", n.Anchor)
		w.close('}')
	}
	w.close(']')
	st.notes = w.take()
	w.kstrOpt("fund", r.Fund)
	w.kstrs("departments", r.Departments)
	w.kstrOpt("valid_from", r.ValidFrom)
	w.kstrOpt("valid_until", r.ValidUntil)
	w.kstrOpt("valid_cite", r.ValidCite)
	w.kstrOpt("valid_anchor", r.ValidAnchor)
	w.kstrOpt("claim", r.Claim)
	st.tail = w.take()
	return st
}

// take returns what was written so far and starts a new buffer.
func (w *writer) take() []byte {
	b := w.b
	w.b = nil
	return b
}

// raw appends pre-encoded JSON that continues the current object or array.
func (w *writer) raw(b []byte) {
	w.b = append(w.b, b...)
	w.first = false
}

func (b *BenefitResult) write(w *writer) {
	st := b.static
	if st == nil || len(st.crit) != len(b.Criteria) {
		st = buildStatic(b)
	}
	w.b = append(w.b, st.head...)
	w.first = false
	w.indent++ // the head opened the object
	w.ktstr("status", b.Status)
	w.ktstr("status_label", b.StatusLabel)
	w.ktstrOpt("status_if_valid", b.StatusIfValid)
	w.kstrOpt("status_reason", b.StatusReason)
	w.key("amount")
	w.open('{')
	a := b.Amount
	w.ktstr("form", a.Form)
	w.ktstrOpt("value", a.Value)
	w.ktstrOpt("min", a.Min)
	w.ktstrOpt("max", a.Max)
	w.ktstrOpt("term_months", a.TermMonths)
	w.ktstr("text", a.Text)
	if a.Rounded {
		w.key("rounded")
		w.boolean(true)
	}
	w.close('}')
	w.ktstr("calculation", b.Calculation)
	w.key("criteria")
	w.open('[')
	for i, c := range b.Criteria {
		w.sep()
		w.b = append(w.b, st.crit[i][0]...)
		switch {
		case c.Met == nil:
			w.null()
		default:
			w.boolean(*c.Met)
		}
		w.b = append(w.b, st.crit[i][1]...)
	}
	w.close(']')
	w.key("missing")
	w.open('[')
	for _, m := range b.Missing {
		w.sep()
		w.open('{')
		w.ktstr("id", m.ID)
		w.ktstr("label", m.Label)
		w.close('}')
	}
	w.close(']')
	if len(b.Closer) > 0 {
		w.key("closer")
		w.open('[')
		for _, c := range b.Closer {
			w.sep()
			w.open('{')
			w.ktstr("question", c.Question)
			w.kstr("value", c.Value)
			w.ktstr("status", c.Status)
			w.ktstr("text", c.Text)
			w.close('}')
		}
		w.close(']')
	}
	w.raw(st.notes)
	w.key("exclusions")
	w.open('[')
	for _, x := range b.Exclusions {
		w.sep()
		w.open('{')
		w.ktstr("label", x.Label)
		w.ktstr("with", x.With)
		w.close('}')
	}
	w.close(']')
	w.raw(st.tail)
	w.ktstrOpt("expiry", b.Expiry)
	w.close('}')
}
