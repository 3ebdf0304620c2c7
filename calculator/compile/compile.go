package compile

import (
	"go/token"
	"strconv"
	"strings"

	"policyguide/calculator"
	"policyguide/calculator/diag"
)

// File is a content file: its path as shown in errors and its bytes.
type File struct {
	Name string
	Src  []byte
}

// Sources is everything Compile reads.
type Sources struct {
	Questions File   // content/calculator/questions.toml
	Rules     []File // content/rules/*.toml, in a stable order
	// Source is the text of the source document: every cite must occur in
	// it (after width and whitespace normalisation), and so must every fund.
	Source []byte
	// Anchor finds the paragraph anchor ("p13") of a cited passage; nil = no
	// anchors. A cite found in Source but without anchor is an error.
	Anchor func(cite string) (anchor string, ok bool)
	// Known ids and names; nil means "not checked".
	Measures []string // measure ids ("m1")
	// Paragraph returns the source paragraph of a measure (its anchor and
	// text). When set, the words stating a validity date must be in the
	// measure's own paragraph, and the same-sentence check looks only there.
	Paragraph func(measure string) (anchor, text string, ok bool)
	// Basis is the issue date of the document and BasisName its name (see
	// calculator.Program.Basis). A benefit's valid_from needs its own cite.
	Basis       calculator.Date
	BasisName   string
	Audiences   []string // audience ids ("enterprises")
	Departments []string // department names as the document writes them ("市人社局")

	// Many documents (see docs.go); all optional.
	Docs        map[string][]byte // document id → text; nil: every cite is in Source
	Main        string            // the default document id
	MeasureDocs map[string]string // measure id → its document id
	// Locate finds a cite in a document: its anchor (as Anchor returns it)
	// and the paragraph's text. When set it replaces Anchor.
	Locate   func(doc, cite string) (anchor, paragraph string, ok bool)
	Warnings *diag.List // where warnings go (cite_hash); nil: none
	// LaterExamples: the caller runs RunExamples itself, after it has
	// applied what later documents say (a continuation moves an end date);
	// Compile does not run them.
	LaterExamples bool
}

// loc remembers where a formula or example came from.
type loc struct {
	f    *file
	path string
}

type compiler struct {
	src      Sources
	errs     diag.List
	p        *calculator.Program
	cites    *citeIndex
	docCites map[string]*citeIndex
	doc      string // document of the cites being read ("" = Source)
	formulas map[*calculator.Formula]loc
	// nodes turns a calculator.Pos into a place: nodes[pos-1] is the
	// table the node was read from.
	nodes []loc
	// declared names
	questions map[string]*calculator.Question
	params    map[string]bool // qualified ids
	brackets  map[string]bool
	files     map[string]*file
	// questionsBroken: questions.toml did not parse, so expressions are not
	// compiled (every identifier would be reported as undeclared).
	questionsBroken bool
	// validity statements to check once every param is known
	validities []validity
}

// validity is a valid_until statement waiting for the same-sentence check.
type validity struct {
	t       *tbl
	key     string // the cite's key
	measure string
	cite    string
	whole   bool                // [validity] covers = "measure"
	benefit *calculator.Benefit // nil for a part
	part    *calculator.Part
}

// Compile reads and checks the calculator content. It returns the program
// only when there is no error. The examples are run too (see RunExamples)
// unless src.LaterExamples.
func Compile(src Sources) (*calculator.Program, diag.List) {
	c := &compiler{
		src: src, p: &calculator.Program{Basis: src.Basis, BasisName: src.BasisName}, cites: newCiteIndex(src.Source),
		formulas: map[*calculator.Formula]loc{}, questions: map[string]*calculator.Question{},
		params: map[string]bool{}, brackets: map[string]bool{}, files: map[string]*file{},
	}
	c.questionsFile(src.Questions)

	// Rule files: declarations first, so a formula may use a param declared
	// further down or (as measure.id) in another file.
	type ruleFile struct {
		f       *file
		root    *tbl
		measure string
	}
	var rfs []ruleFile
	for _, rf := range src.Rules {
		f, m := parseFile(rf, &c.errs)
		c.files[rf.Name] = f
		if m == nil {
			continue
		}
		root := f.root(m, &c.errs)
		measure := root.str("measure", true)
		if measure != "" && c.src.Measures != nil && !contains(c.src.Measures, measure) {
			root.errAt("measure", "未知的措施 %s", measure)
		}
		c.declare(root, measure)
		rfs = append(rfs, ruleFile{f, root, measure})
	}
	for _, rf := range rfs {
		c.rules(rf.root, rf.measure)
	}
	c.checkProgram()
	if len(c.errs) == 0 && !src.LaterExamples {
		c.errs.Merge(runExamples(c.p, c.files))
	}
	if len(c.errs) > 0 {
		return nil, c.errs.Sort()
	}
	return c.p, nil
}

// pos records where the node read from t comes from.
func (c *compiler) pos(t *tbl) calculator.Pos {
	c.nodes = append(c.nodes, loc{t.f, t.path})
	return calculator.Pos(len(c.nodes))
}

// where turns a node's Pos and one of its keys ("kind", "rows[2]") into
// file:line:col; the zero diag.Pos when pos is unknown.
func (c *compiler) where(pos calculator.Pos, key string) diag.Pos {
	p, _ := c.whereKey(pos, key)
	return p
}

// whereKey is where, and whether the key itself is in the file (false: the
// position is that of the nearest enclosing table).
func (c *compiler) whereKey(pos calculator.Pos, key string) (diag.Pos, bool) {
	if pos < 1 || int(pos) > len(c.nodes) {
		return diag.Pos{}, false
	}
	l := c.nodes[pos-1]
	path := l.path
	switch {
	case key == "":
	case path == "" || key[0] == '[':
		path += key
	default:
		path += "." + key
	}
	_, exact := l.f.pos[path]
	return l.f.at(path), exact
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validID reports whether id can be used in expressions.
func validID(id string) string {
	if id == "" {
		return "不能为空"
	}
	for i, r := range id {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return "只能由英文字母、数字和 _ 组成，且不以数字开头"
		}
	}
	switch {
	case id[0] == '_':
		return "不能以 _ 开头"
	case token.IsKeyword(id):
		return "不能是 Go 关键字"
	case id == "true" || id == "false" || id == "min" || id == "max" || id == "in":
		return "与内置名称重名"
	}
	return ""
}

func (c *compiler) questionsFile(qf File) {
	f, m := parseFile(qf, &c.errs)
	c.files[qf.Name] = f
	if m == nil {
		c.questionsBroken = true
		return
	}
	root := f.root(m, &c.errs)
	c.p.Notice = root.str("notice", false)
	if c.p.Notice == "" {
		c.p.Notice = calculator.DefaultNotice
	}
	for _, t := range root.tables("questions", true) {
		q := &calculator.Question{
			ID: t.str("id", true), Audience: t.strs("audience", true), Type: t.str("type", true),
			Label: t.str("label", true), Short: t.str("short", false), Help: t.str("help", false),
			Unit: t.str("unit", false), Pos: c.pos(t),
		}
		if msg := validID(q.ID); msg != "" && q.ID != "" {
			t.errAt(t.keyPath("id"), "问题 id %q %s", q.ID, msg)
		}
		if _, dup := c.questions[q.ID]; !dup {
			c.questions[q.ID] = q
		}
		c.audiences(t, "audience", q.Audience)
		isNum := q.Type == calculator.TypeNumber
		for _, k := range []string{"min", "max", "integer", "unit"} {
			if _, ok := t.m[k]; ok && !isNum && q.Type != "" {
				t.errAt(t.keyPath(k), "%s 只适用于数字题（type = \"number\"）", k)
			}
		}
		q.Min, q.Max, q.Integer = t.number("min", false), t.number("max", false), t.boolean("integer")
		if q.Min != nil && q.Max != nil && q.Min.Cmp(*q.Max) > 0 {
			t.errAt(t.keyPath("min"), "min 大于 max")
		}
		opts := t.tables("options", q.Type == calculator.TypeChoice)
		if len(opts) > 0 && q.Type != calculator.TypeChoice {
			t.errAt(t.keyPath("options"), "options 只适用于选择题（type = \"choice\"）")
		}
		seen := map[string]bool{}
		for _, o := range opts {
			op := calculator.Option{Value: o.str("value", true), Label: o.str("label", true)}
			if seen[op.Value] {
				o.errAt(o.keyPath("value"), "选项值 %q 重复", op.Value)
			}
			if op.Value == "unknown" {
				o.errAt(o.keyPath("value"), "选项值不能是 \"unknown\"（它表示“不确定”）")
			}
			seen[op.Value] = true
			q.Options = append(q.Options, op)
			o.done()
		}
		t.done()
		c.p.Questions = append(c.p.Questions, q)
	}
	c.flow(root)
	root.done()
}

// flow reads the page's needs and steps and checks that every id they name
// exists and that each question of a step is asked of the step's audience.
func (c *compiler) flow(root *tbl) {
	_, hasSteps := root.m["steps"]
	_, hasNeeds := root.m["needs"]
	_, hasPrep := root.m["prepare"]
	if !hasSteps && !hasNeeds && !hasPrep {
		return
	}
	fl := &calculator.Flow{Prepare: root.strs("prepare", false)}
	needs := map[string]bool{}
	for _, t := range root.tables("needs", false) {
		n := calculator.Need{ID: t.str("id", true), Label: t.str("label", true), Hint: t.str("hint", false),
			Audience: t.strs("audience", true), Measures: t.strs("measures", false)}
		if msg := validID(n.ID); msg != "" && n.ID != "" {
			t.errAt(t.keyPath("id"), "需要 id %q %s", n.ID, msg)
		}
		if needs[n.ID] {
			t.errAt(t.keyPath("id"), "需要 id %s 重复", n.ID)
		}
		c.audiences(t, "audience", n.Audience)
		for i, m := range n.Measures {
			if c.src.Measures != nil && !contains(c.src.Measures, m) {
				t.errAt(t.keyPath("measures")+"["+strconv.Itoa(i)+"]", "未知的措施 %q", m)
			}
		}
		t.done()
		fl.Needs = append(fl.Needs, n)
		needs[n.ID] = true
	}
	inStep := map[string]bool{}
	steps := map[string]bool{}
	for _, t := range root.tables("steps", false) {
		s := calculator.Step{ID: t.str("id", true), Title: t.str("title", true), Hint: t.str("hint", false),
			Audience: t.strs("audience", true), Needs: t.strs("needs", false), Questions: t.strs("questions", true)}
		if msg := validID(s.ID); msg != "" && s.ID != "" {
			t.errAt(t.keyPath("id"), "步骤 id %q %s", s.ID, msg)
		}
		if steps[s.ID] {
			t.errAt(t.keyPath("id"), "步骤 id %s 重复", s.ID)
		}
		steps[s.ID] = true
		c.audiences(t, "audience", s.Audience)
		for i, n := range s.Needs {
			if !needs[n] {
				t.errAt(t.keyPath("needs")+"["+strconv.Itoa(i)+"]", "未声明的需要 %q（见 [[needs]]）", n)
			}
		}
		for i, id := range s.Questions {
			q := c.questions[id]
			switch {
			case q == nil:
				t.errAt(t.keyPath("questions")+"["+strconv.Itoa(i)+"]", "没有这个问题：%s", id)
				continue
			case inStep[id]:
				t.errAt(t.keyPath("questions")+"["+strconv.Itoa(i)+"]", "问题 %s 已在另一个步骤中", id)
			}
			inStep[id] = true
			for _, a := range s.Audience {
				if !contains(q.Audience, a) {
					t.errAt(t.keyPath("questions")+"["+strconv.Itoa(i)+"]", "问题 %s 不向“%s”提问，不能放在这个步骤", id, a)
				}
			}
		}
		t.done()
		fl.Steps = append(fl.Steps, s)
	}
	if len(fl.Steps) > 0 {
		for _, q := range c.p.Questions {
			if !inStep[q.ID] {
				root.errAt(root.keyPath("steps"), "问题 %s 不在任何步骤中，页面上不会问到它", q.ID)
			}
		}
	}
	c.p.Flow = fl
}

func (c *compiler) audiences(t *tbl, key string, ids []string) {
	for i, a := range ids {
		if c.src.Audiences != nil && !contains(c.src.Audiences, a) {
			t.errAt(t.keyPath(key)+"["+strconv.Itoa(i)+"]", "未知的对象 %q（可用：%s）", a, strings.Join(c.src.Audiences, "、"))
		}
	}
}

// declare records the params and brackets of a rule file.
func (c *compiler) declare(root *tbl, measure string) {
	for _, kind := range []string{"params", "brackets"} {
		v, ok := root.m[kind]
		if !ok {
			continue
		}
		var list []map[string]any
		switch x := v.(type) {
		case []map[string]any:
			list = x
		case []any:
			for _, it := range x {
				m, _ := it.(map[string]any)
				list = append(list, m)
			}
		}
		for i, m := range list {
			id, _ := m["id"].(string)
			if id == "" {
				continue // reported when the table is read
			}
			path := kind + "[" + strconv.Itoa(i) + "].id"
			full := measure + "." + id
			switch {
			case validID(id) != "":
				root.errAt(path, "id %q %s", id, validID(id))
			case c.questions[id] != nil:
				root.errAt(path, "%s 与问题 id 重名，请换一个名字", id)
			case kind == "params" && c.brackets[full] || kind == "brackets" && c.params[full]:
				root.errAt(path, "措施 %s 中的 id %s 已用作另一种名称（参数与分档表不能重名）", measure, id)
			case kind == "params":
				c.params[full] = true
			default:
				c.brackets[full] = true
			}
		}
	}
}

// fileScope resolves names inside one rule file.
type fileScope struct {
	c       *compiler
	measure string
}

func (s fileScope) lookup(measure, name string) (string, string, bool) {
	if measure == "" {
		if s.c.questions[name] != nil {
			return calculator.OpQuestion, name, true
		}
		measure = s.measure
	}
	full := measure + "." + name
	switch {
	case s.c.params[full]:
		return calculator.OpParam, full, true
	case s.c.brackets[full]:
		return calculator.OpBracket, full, true
	}
	return "", "", false
}

// formula compiles an expression field.
func (c *compiler) formula(t *tbl, key string, required bool, measure string) *calculator.Formula {
	src, ok := t.text(key, required)
	if !ok {
		return nil
	}
	path := t.keyPath(key)
	if strings.TrimSpace(src) == "" {
		t.errAt(path, "%s 不能为空", key)
		return nil
	}
	if c.questionsBroken {
		return nil
	}
	e, errs := parseExpr(src, fileScope{c, measure})
	for _, e := range errs {
		c.errs.Add(t.f.valueAt(path, e.off, src), "%s", e.msg)
	}
	if e == nil {
		return nil
	}
	f := &calculator.Formula{Src: src, Root: e}
	c.formulas[f] = loc{t.f, path}
	return f
}

// cite checks a citation and returns its anchor.
func (c *compiler) cite(t *tbl, key string, required bool) (string, string) {
	s := t.str(key, required)
	t.get("cite_hash", false) // read by citeHash; never an unknown key
	if s == "" {
		return "", ""
	}
	path := t.keyPath(key)
	if c.src.Docs != nil {
		ci := c.docIndex(c.doc)
		if ci == nil {
			t.errAt(path, "未知的文件 %s（可用：%s）", c.doc, c.knownDocs())
			return s, ""
		}
		if msg := ci.find(s); msg != "" {
			t.errAt(path, "%s（在文件 %s 中查找）", msg, c.doc)
			return s, ""
		}
		c.citeHash(t, c.doc, s)
		if c.src.Locate == nil {
			return s, ""
		}
		a, _, ok := c.src.Locate(c.doc, s)
		if !ok {
			t.errAt(path, "引文在原文中，但找不到它所在的段落（引文不能跨段落）")
		}
		return s, a
	}
	if c.src.Source == nil {
		t.errAt(path, "没有提供原文，无法核对引文")
		return s, ""
	}
	if msg := c.cites.find(s); msg != "" {
		t.errAt(path, "%s", msg)
		return s, ""
	}
	c.citeHash(t, "", s)
	if c.src.Anchor == nil {
		return s, ""
	}
	a, ok := c.src.Anchor(s)
	if !ok {
		t.errAt(path, "引文在原文中，但找不到它所在的段落（引文不能跨段落）")
	}
	return s, a
}

func (c *compiler) rules(root *tbl, measure string) {
	c.doc = c.measureDoc(measure)
	defer func() { c.doc = "" }()
	whole := c.measureValidity(root, measure)
	for _, t := range root.tables("params", false) {
		x := &calculator.Param{ID: measure + "." + t.str("id", true), Measure: measure,
			Label: t.str("label", true), Unit: t.str("unit", false), Pos: c.pos(t)}
		for _, vt := range t.tables("values", true) {
			pv := calculator.ParamValue{From: vt.date("from", true), Pos: c.pos(vt)}
			if r := vt.number("value", true); r != nil {
				pv.Value = *r
			}
			if d := vt.str("doc", false); d != "" {
				c.doc = d
			}
			pv.Cite, pv.Anchor = c.cite(vt, "cite", true)
			c.doc = c.measureDoc(measure)
			x.Values = append(x.Values, pv)
			vt.done()
		}
		t.done()
		c.p.Params = append(c.p.Params, x)
	}
	for _, t := range root.tables("brackets", false) {
		b := &calculator.Bracket{ID: measure + "." + t.str("id", true), Measure: measure,
			Label: t.str("label", true), Unit: t.str("unit", false), Pos: c.pos(t)}
		b.Cite, b.Anchor = c.cite(t, "cite", true)
		rows := t.tables("rows", true)
		for _, rt := range rows {
			r := calculator.Row{From: rt.number("from", false), Below: rt.number("below", false)}
			if v := rt.number("value", true); v != nil {
				r.Value = *v
			}
			b.Rows = append(b.Rows, r)
			rt.done()
		}
		t.done()
		c.p.Brackets = append(c.p.Brackets, b)
	}
	for _, t := range root.tables("benefits", false) {
		c.benefit(t, measure, whole)
	}
	for _, t := range root.tables("parts", false) {
		c.part(t, measure)
	}
	for _, t := range root.tables("exclusions", false) {
		x := &calculator.Exclusion{Benefits: t.strs("benefits", true), Overlap: t.str("overlap", false),
			Label: t.str("label", true), Pos: c.pos(t)}
		x.Cite, x.Anchor = c.cite(t, "cite", true)
		c.p.Exclusions = append(c.p.Exclusions, x)
		t.done()
	}
	for i, t := range root.tables("examples", false) {
		c.example(t, i)
	}
	root.done()
}

func (c *compiler) benefit(t *tbl, measure string, whole *wholeValidity) {
	b := &calculator.Benefit{ID: t.str("id", true), Measure: measure, Name: t.str("name", true),
		Audience: t.strs("audience", true), Kind: t.str("kind", true), Fund: t.str("fund", false),
		Departments: t.strs("departments", true), ValidFrom: t.date("valid_from", false),
		ValidUntil: t.date("valid_until", false), Unit: t.str("unit", false),
		Claim: t.str("claim", false), ClaimNote: t.str("claim_note", false), Pos: c.pos(t)}
	c.benefitValidity(t, b, measure, whole)
	c.audiences(t, "audience", b.Audience)
	if ci := c.docIndex(c.doc); b.Fund != "" && ci != nil && (c.src.Source != nil || c.src.Docs != nil) && ci.find(b.Fund) != "" {
		t.errAt(t.keyPath("fund"), "资金来源“%s”在原文中找不到（只写原文写明的资金）", b.Fund)
	}
	for i, d := range b.Departments {
		if c.src.Departments != nil && !contains(c.src.Departments, d) {
			t.errAt(t.keyPath("departments")+"["+strconv.Itoa(i)+"]", "未知的部门“%s”（须与 departments.toml 中的名称一致）", d)
		}
	}
	fs := []**calculator.Formula{&b.Amount, &b.PerPerson, &b.Persons, &b.AmountMin, &b.AmountMax, &b.TermMonths, &b.Cap}
	has := map[string]bool{}
	if t.boolean("amount_unstated") {
		has["unstated"] = true
	}
	for i, key := range []string{"amount", "per_person", "persons", "amount_min", "amount_max", "term_max_months", "cap"} {
		if _, ok := t.m[key]; ok {
			has[key] = true
		}
		*fs[i] = c.formula(t, key, false, measure)
	}
	b.Form = calculator.FormOf(b.Kind, has)
	for _, nt := range t.tables("notes", false) {
		n := calculator.Note{Text: nt.str("text", true)}
		n.Cite, n.Anchor = c.cite(nt, "cite", false)
		b.Notes = append(b.Notes, n)
		nt.done()
	}
	for _, ct := range t.tables("criteria", true) {
		cr := calculator.Criterion{Label: ct.str("label", true), Expr: c.formula(ct, "expr", true, measure), Open: ct.boolean("open"), Pos: c.pos(ct)}
		cr.Cite, cr.Anchor = c.cite(ct, "cite", true)
		b.Criteria = append(b.Criteria, cr)
		ct.done()
	}
	t.done()
	c.p.Benefits = append(c.p.Benefits, b)
}

func (c *compiler) example(t *tbl, i int) {
	ex := &calculator.Example{Name: t.str("name", true), File: t.f.name, Index: i,
		Date: t.date("date", true), Audience: t.str("audience", false), Pos: c.pos(t)}
	if ex.Audience != "" && c.src.Audiences != nil && !contains(c.src.Audiences, ex.Audience) {
		t.errAt(t.keyPath("audience"), "未知的对象 %q", ex.Audience)
	}
	ex.Answers = calculator.Value{Kind: calculator.Object}
	if at := t.table("answers", false); at != nil {
		for _, k := range sortedKeys(at.m) {
			at.used[k] = true
			v, ok := tomlToJSON(at.m[k])
			if !ok {
				at.errAt(at.keyPath(k), "答案应为 true/false、数字或字符串")
				continue
			}
			ex.Answers.Members = append(ex.Answers.Members, calculator.Member{Key: k, Value: v})
		}
	}
	for _, et := range t.tables("expect", true) {
		e := calculator.Expect{Benefit: et.str("benefit", true), Status: et.str("status", false),
			Amount: et.number("amount", false), AmountMin: et.number("amount_min", false),
			AmountMax: et.number("amount_max", false), TermMonths: et.number("term_months", false)}
		switch e.Status {
		case "", calculator.Eligible, calculator.Ineligible, calculator.Possible, calculator.Expired, calculator.NotYet,
			calculator.CanApply, calculator.Undetermined:
		default:
			et.errAt(et.keyPath("status"), "状态 %q 未知（可用：eligible、ineligible、possible、can_apply、expired、not_yet、undetermined）", e.Status)
		}
		if _, ok := et.m["missing"]; ok {
			e.HasMissing = true
			e.Missing = et.strs("missing", false)
			for k, id := range e.Missing {
				if c.questions[id] == nil {
					et.errAt(et.keyPath("missing")+"["+strconv.Itoa(k)+"]", "未声明的问题 %s", id)
				}
			}
		}
		ex.Expect = append(ex.Expect, e)
		et.done()
	}
	t.done()
	c.p.Examples = append(c.p.Examples, ex)
}

func tomlToJSON(v any) (calculator.Value, bool) {
	switch x := v.(type) {
	case bool:
		return calculator.Bol(x), true
	case string:
		return calculator.Str(x), true
	case int64, float64:
		s, _ := scalarText(x)
		return calculator.Value{Kind: calculator.Number, Text: s}, true
	}
	return calculator.Value{}, false
}

// checkProgram runs the whole-program checks: types (via calculator's
// checker), references between benefits, exclusions and examples, the
// audiences of the questions a benefit uses, and that each benefit has an
// example.
func (c *compiler) checkProgram() {
	// Positions the reader already reported (a missing or malformed
	// field): the checker's view of the same field adds nothing.
	reported := map[diag.Pos]bool{}
	for _, e := range c.errs {
		reported[e.Pos] = true
	}
	probs := c.p.Check()
	var unplaced []calculator.Problem
	for _, pr := range probs {
		if pr.Formula != nil {
			if l, ok := c.formulas[pr.Formula]; ok {
				c.errs.Add(l.f.valueAt(l.path, pr.Off, pr.Formula.Src), "%s", pr.Msg)
			}
			continue
		}
		at, exact := c.whereKey(pr.At, pr.Key)
		switch {
		case at.File == "":
			unplaced = append(unplaced, pr)
		case !exact && reported[at]: // a missing field, already reported
		case pr.Also != 0:
			c.errs.AddNote(at, diag.Note{Pos: c.where(pr.Also, pr.Key), Msg: "第一次定义在这里"}, "%s", pr.Msg)
		default:
			c.errs.Add(at, "%s", pr.Msg)
		}
	}
	c.audienceOfQuestions()
	c.checkValidities()
	examples := map[string]bool{}
	for _, ex := range c.p.Examples {
		for _, e := range ex.Expect {
			examples[e.Benefit] = true
		}
	}
	for _, b := range c.p.Benefits {
		if !examples[b.ID] && b.ID != "" {
			c.errs.Add(c.where(b.Pos, "id"), "福利 %s 没有示例：每项福利至少要有一个 [[examples]]，其 expect 中写明 benefit = %q", b.ID, b.ID)
		}
	}
	// A problem without a place (an expression the reader could not
	// compile, text that is not UTF-8) still stops the build.
	if len(c.errs) == 0 {
		for _, pr := range unplaced {
			c.errs.Add(diag.Pos{File: c.src.Questions.Name}, "%s", pr.Msg)
		}
	}
}

// audienceOfQuestions: a benefit shown to an audience must only depend on
// questions asked to that audience, or it could never be decided there.
func (c *compiler) audienceOfQuestions() {
	for _, b := range c.p.Benefits {
		for _, f := range formulasOf(b) {
			l := c.formulas[f]
			walk(f.Root, func(e *calculator.Expr) {
				if e.Op != calculator.OpQuestion {
					return
				}
				q := c.questions[e.Name]
				if q == nil {
					return
				}
				for _, a := range b.Audience {
					if !contains(q.Audience, a) {
						c.errs.Add(l.f.valueAt(l.path, e.Pos, f.Src), "问题 %s 不向“%s”提问，但福利 %s 面向“%s”：请把 %s 加入该问题的 audience", q.ID, a, b.ID, a, a)
					}
				}
			})
		}
	}
}

func formulasOf(b *calculator.Benefit) []*calculator.Formula {
	var out []*calculator.Formula
	for _, cr := range b.Criteria {
		if cr.Expr != nil {
			out = append(out, cr.Expr)
		}
	}
	for _, f := range []*calculator.Formula{b.Amount, b.PerPerson, b.Persons, b.AmountMin, b.AmountMax, b.TermMonths, b.Cap} {
		if f != nil {
			out = append(out, f)
		}
	}
	return out
}

func walk(e *calculator.Expr, fn func(*calculator.Expr)) {
	if e == nil {
		return
	}
	fn(e)
	for _, a := range e.Args {
		walk(a, fn)
	}
}
