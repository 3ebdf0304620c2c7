package calculator

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is an error found by Check. At is the node it is about and Key
// the field of that node ("kind", "benefits[1]", "expect[0].benefit"; "" =
// the node itself); Also is a second place that explains it ("defined
// here"), 0 = none. Formula is set (with Off, a byte offset in its Src)
// when the problem is inside an expression.
type Problem struct {
	At      Pos
	Key     string
	Also    Pos
	Formula *Formula
	Off     int
	Msg     string
}

// Check resolves every name, type-checks every expression and the cross
// references between benefits, exclusions and examples, and prepares the
// program for evaluation. A program is only evaluated when Check found
// nothing: the evaluator then never meets a type it did not expect.
func (p *Program) Check() []Problem {
	c := &checker{p: p}
	p.qIdx, p.pIdx, p.bIdx, p.benIdx = map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for i, q := range p.Questions {
		q.name = ""
		q.name = q.Name()
		if j, dup := p.qIdx[q.ID]; dup {
			c.also(q.Pos, "id", p.Questions[j].Pos, "问题 id "+q.ID+" 重复")
			continue
		}
		p.qIdx[q.ID] = i
		switch q.Type {
		case TypeBool, TypeNumber:
		case TypeChoice:
			if len(q.Options) < 2 {
				c.at(q.Pos, "options", "选择题 "+q.ID+" 至少需要两个选项")
			}
		default:
			c.at(q.Pos, "type", "问题 "+q.ID+" 的类型 "+strconv.Quote(q.Type)+" 未知（可用：bool、number、choice）")
		}
	}
	for i, x := range p.Params {
		if j, dup := p.pIdx[x.ID]; dup {
			c.also(x.Pos, "id", p.Params[j].Pos, "参数 "+x.ID+" 重复定义")
		}
		p.pIdx[x.ID] = i
		for k := 1; k < len(x.Values); k++ {
			if x.Values[k].From <= x.Values[k-1].From {
				c.at(x.Values[k].Pos, "from", "参数 "+x.ID+" 的生效日期必须比上一个值晚（请按日期从早到晚排列）")
			}
		}
		if len(x.Values) == 0 {
			c.at(x.Pos, "values", "参数 "+x.ID+" 没有取值")
		}
	}
	for i, b := range p.Brackets {
		if j, dup := p.bIdx[b.ID]; dup {
			c.also(b.Pos, "id", p.Brackets[j].Pos, "分档表 "+b.ID+" 重复定义")
		}
		p.bIdx[b.ID] = i
		for _, rp := range BracketProblems(b.Rows) {
			key := "rows"
			if len(b.Rows) > 0 {
				key = "rows[" + strconv.Itoa(rp.Row) + "]"
			}
			c.at(b.Pos, key, "分档表 "+b.ID+"："+rp.Msg)
		}
	}
	for i, b := range p.Benefits {
		if j, dup := p.benIdx[b.ID]; dup {
			c.also(b.Pos, "id", p.Benefits[j].Pos, "福利 id "+b.ID+" 重复")
			continue
		}
		p.benIdx[b.ID] = i
	}
	for _, b := range p.Benefits {
		c.benefit(b)
	}
	adjusted := map[string]bool{} // benefits whose persons an overlap adjusts
	for _, x := range p.Exclusions {
		c.exclusion(x, adjusted)
	}
	// Results are written without re-checking UTF-8 (it is the hot path in
	// the browser), so every string a result can show is checked here once.
	var texts []string
	for _, q := range p.Questions {
		texts = append(texts, q.ID, q.Label, q.Short, q.Unit)
		for _, o := range q.Options {
			texts = append(texts, o.Value, o.Label)
		}
	}
	for _, x := range p.Params {
		texts = append(texts, x.Label, x.Unit)
	}
	for _, b := range p.Brackets {
		texts = append(texts, b.Label, b.Unit)
	}
	for _, b := range p.Benefits {
		texts = append(texts, b.ID, b.Measure, b.Name, b.Kind, b.Fund, b.Unit, b.Form, b.Claim, b.ClaimNote, b.ValidCite, b.ValidAnchor)
		texts = append(texts, b.Departments...)
		for _, n := range b.Notes {
			texts = append(texts, n.Text, n.Cite, n.Anchor)
		}
		for _, cr := range b.Criteria {
			texts = append(texts, cr.Label, cr.Cite, cr.Anchor)
		}
	}
	for _, x := range p.Exclusions {
		texts = append(texts, x.Label)
	}
	texts = append(texts, p.Notice)
	p.safe = true
	for _, s := range texts {
		if !utf8.ValidString(s) {
			c.add(nil, 0, "规则中有无效的UTF-8文字："+strconv.Quote(s))
		}
		p.safe = p.safe && safeText(s)
	}
	for _, ex := range p.Examples {
		for i, e := range ex.Expect {
			if _, ok := p.benIdx[e.Benefit]; !ok {
				c.at(ex.Pos, "expect["+strconv.Itoa(i)+"].benefit", "示例“"+ex.Name+"”：未知的福利 "+e.Benefit)
			}
		}
	}
	p.checked = len(c.probs) == 0
	if p.checked {
		// An unanswered question depends on itself: one shared, read-only
		// list per question (dependency lists are never modified in place).
		idx := make([]int, len(p.Questions))
		p.self = make([][]int, len(p.Questions))
		for i := range idx {
			idx[i] = i
			p.self[i] = idx[i : i+1 : i+1]
		}
		for _, b := range p.Benefits {
			b.validFrom, b.validUntil = b.ValidFrom.String(), b.ValidUntil.String()
			r := &BenefitResult{Benefit: b.ID, Measure: b.Measure, Name: b.Name, Kind: b.Kind,
				Notes: b.Notes, Fund: b.Fund, Departments: b.Departments,
				ValidFrom: b.ValidFrom.String(), ValidUntil: b.ValidUntil.String(),
				ValidCite: b.ValidCite, ValidAnchor: b.ValidAnchor, Claim: b.Claim}
			for _, c := range b.Criteria {
				r.Criteria = append(r.Criteria, CriterionResult{Label: c.Label, Cite: c.Cite, Anchor: c.Anchor, Open: c.Open})
			}
			b.static = buildStatic(r)
		}
	}
	return c.probs
}

// RowProblem is a problem with row Row (0-based) of a bracket.
type RowProblem struct {
	Row int
	Msg string
}

// BracketProblems reports gaps, overlaps and empty rows of a bracket.
func BracketProblems(rows []Row) []RowProblem {
	var out []RowProblem
	if len(rows) == 0 {
		return []RowProblem{{0, "没有分档"}}
	}
	n := strconv.Itoa
	for i, r := range rows {
		if r.From != nil && r.Below != nil && r.From.Cmp(*r.Below) >= 0 {
			out = append(out, RowProblem{i, "第" + n(i+1) + "档的起点 " + r.From.String() + " 不小于终点 " + r.Below.String()})
		}
		if i == 0 {
			continue
		}
		prev := rows[i-1]
		switch {
		case prev.Below == nil:
			out = append(out, RowProblem{i, "第" + n(i) + "档没有上限（below），与第" + n(i+1) + "档重叠"})
		case r.From == nil:
			out = append(out, RowProblem{i, "第" + n(i+1) + "档没有下限（from），与第" + n(i) + "档重叠"})
		case r.From.Cmp(*prev.Below) > 0:
			out = append(out, RowProblem{i, "第" + n(i) + "档与第" + n(i+1) + "档之间有空档：" + prev.Below.String() + " 至 " + r.From.String() + " 不属于任何一档"})
		case r.From.Cmp(*prev.Below) < 0:
			out = append(out, RowProblem{i, "第" + n(i) + "档与第" + n(i+1) + "档重叠：" + r.From.String() + " 至 " + prev.Below.String() + " 同时属于两档"})
		}
	}
	return out
}

type checker struct {
	p     *Program
	probs []Problem
}

func (c *checker) add(f *Formula, off int, msg string) {
	c.probs = append(c.probs, Problem{Formula: f, Off: off, Msg: msg})
}

// at reports a problem with field key of the node at pos.
func (c *checker) at(pos Pos, key, msg string) {
	c.probs = append(c.probs, Problem{At: pos, Key: key, Msg: msg})
}

// also reports a problem with a second place that explains it.
func (c *checker) also(pos Pos, key string, other Pos, msg string) {
	c.probs = append(c.probs, Problem{At: pos, Key: key, Also: other, Msg: msg})
}

func (c *checker) benefit(b *Benefit) {
	kindOK := true
	switch b.Kind {
	case KindGrant, KindLoan, KindService:
	default:
		kindOK = false
		c.at(b.Pos, "kind", "福利 "+b.ID+" 的类别 "+strconv.Quote(b.Kind)+" 未知（可用：grant、loan、service）")
	}
	if b.ValidFrom != 0 && b.ValidUntil != 0 && b.ValidFrom > b.ValidUntil {
		c.at(b.Pos, "valid_from", "福利 "+b.ID+" 的 valid_from 晚于 valid_until")
	}
	switch b.Claim {
	case "":
		if b.ClaimNote != "" {
			c.at(b.Pos, "claim_note", "福利 "+b.ID+" 的 claim_note 只与 claim 一起使用")
		}
	case ClaimApply, ClaimOpen:
		if strings.TrimSpace(b.ClaimNote) == "" {
			word := "可申报"
			if b.Claim == ClaimOpen {
				word = "可能符合"
			}
			c.at(b.Pos, "claim", "福利 "+b.ID+" 的 claim = "+strconv.Quote(b.Claim)+" 需要 claim_note：用一句话说明为什么最多只能是“"+word+"”")
		}
	default:
		c.at(b.Pos, "claim", "福利 "+b.ID+" 的 claim "+strconv.Quote(b.Claim)+" 未知（可用：apply = 竞争性申报，最多“可申报”；open = 文件未列出全部条件，最多“可能符合”）")
	}
	for i := range b.Criteria {
		c.formula(b.Criteria[i].Expr, tBool)
	}
	has := map[string]bool{}
	for i, f := range b.amountFormulas() {
		if f != nil {
			has[amountFields[i]] = true
			c.formula(f, tNum)
		}
	}
	if !kindOK {
		return
	}
	if msg := FormProblem(b.Kind, b.Form, has); msg != "" {
		c.at(b.Pos, "", "福利 "+b.ID+" 的金额："+msg)
	} else if b.Form != FormNone && b.Form != FormUnstated && strings.TrimSpace(b.Unit) == "" {
		c.at(b.Pos, "", "福利 "+b.ID+" 缺少 unit（金额单位，如 \"元\"）")
	}
}

// amountFields names the amount formulas in the order of amountFormulas.
var amountFields = []string{"amount", "per_person", "persons", "amount_min", "amount_max", "term_max_months", "cap"}

func (b *Benefit) amountFormulas() []*Formula {
	return []*Formula{b.Amount, b.PerPerson, b.Persons, b.AmountMin, b.AmountMax, b.TermMonths, b.Cap}
}

// FormProblem checks that the amount fields present fit the benefit's kind
// and form; it returns "" when they do.
func FormProblem(kind, form string, has map[string]bool) string {
	want := map[string][]string{
		FormExact:     {"amount"},
		FormPerPerson: {"per_person", "persons"},
		FormUpTo:      {"amount_max"},
		FormRange:     {"amount_min", "amount_max"},
		FormLoan:      {"amount_max"},
		FormNone:      nil,
		FormUnstated:  nil,
	}
	need, ok := want[form]
	if !ok {
		return "金额形式 " + strconv.Quote(form) + " 未知"
	}
	anyAmount := false
	for _, n := range amountFields {
		anyAmount = anyAmount || has[n]
	}
	switch {
	case kind == KindService && anyAmount:
		return "服务类（service）不能有金额"
	case form == FormUnstated && (anyAmount || kind != KindGrant):
		return "amount_unstated 只用于补贴类（grant），且不能同时写金额"
	case kind == KindLoan && form != FormLoan:
		return "贷款类（loan）应写 amount_max（最高额度），可加 term_max_months"
	case kind == KindGrant && (form == FormLoan || form == FormNone):
		return "补贴类（grant）需要金额：amount、per_person + persons、amount_max 或 amount_min + amount_max 之一"
	}
	allowed := map[string]bool{"cap": form != FormNone}
	for _, n := range need {
		if !has[n] {
			return "缺少 " + n
		}
		allowed[n] = true
	}
	if form == FormLoan {
		allowed["term_max_months"] = true
	}
	var extra []string
	for _, n := range amountFields {
		if has[n] && !allowed[n] {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		return "金额写法冲突：" + strings.Join(extra, "、") + " 不能与" + formName(form) + "同时使用"
	}
	return ""
}

func formName(form string) string {
	switch form {
	case FormExact:
		return " amount "
	case FormPerPerson:
		return " per_person + persons "
	case FormUpTo:
		return " amount_max "
	case FormRange:
		return " amount_min + amount_max "
	case FormLoan:
		return "贷款额度"
	}
	return "服务类"
}

// FormOf infers the amount form from the fields present, for the compiler.
func FormOf(kind string, has map[string]bool) string {
	switch {
	case has["unstated"]:
		return FormUnstated
	case kind == KindService:
		return FormNone
	case kind == KindLoan:
		return FormLoan
	case has["amount"]:
		return FormExact
	case has["per_person"] || has["persons"]:
		return FormPerPerson
	case has["amount_min"]:
		return FormRange
	case has["amount_max"]:
		return FormUpTo
	}
	return FormNone
}

func (c *checker) exclusion(x *Exclusion, adjusted map[string]bool) {
	if x.Overlap != "" {
		for i, id := range x.Benefits {
			if adjusted[id] {
				c.at(x.Pos, "benefits["+strconv.Itoa(i)+"]", "福利 "+id+" 已在另一条按人数调整（overlap）的互斥规则中：每项福利只能有一条")
			}
			adjusted[id] = true
		}
	}
	if len(x.Benefits) < 2 {
		c.at(x.Pos, "benefits", "互斥规则至少需要两项福利")
	}
	for i, id := range x.Benefits {
		key := "benefits[" + strconv.Itoa(i) + "]"
		j, ok := c.p.benIdx[id]
		switch {
		case !ok:
			c.at(x.Pos, key, "互斥规则中有未知的福利 "+id)
		case x.Overlap != "" && c.p.Benefits[j].Form != FormPerPerson:
			c.at(x.Pos, key, "按人数调整（overlap）要求福利 "+id+" 按人计算（per_person + persons）")
		}
	}
	if x.Overlap == "" {
		return
	}
	qi, ok := c.p.qIdx[x.Overlap]
	switch {
	case len(x.Benefits) != 2:
		c.at(x.Pos, "overlap", "按人数调整的互斥规则（overlap）只能涉及两项福利")
	case !ok:
		c.at(x.Pos, "overlap", "互斥规则的 overlap 中有未声明的问题 "+x.Overlap)
	case c.p.Questions[qi].Type != TypeNumber:
		c.at(x.Pos, "overlap", "overlap 问题 "+x.Overlap+" 必须是数字题（同时符合两项的人数）")
	}
}

// Types of expressions.
type typ struct {
	k int // tBool, tNum, tChoice, tStr, tBad
	q int // tChoice: question index
}

const (
	tBad = iota
	tBool
	tNum
	tChoice
	tStr
)

func (t typ) name() string {
	switch t.k {
	case tBool:
		return "是/否值"
	case tNum:
		return "数字"
	case tChoice:
		return "选择题的答案"
	case tStr:
		return "字符串"
	}
	return "错误的值"
}

func (c *checker) formula(f *Formula, want int) {
	if f == nil || f.Root == nil {
		c.add(f, 0, "表达式为空")
		return
	}
	t := c.expr(f, f.Root)
	if t.k == tBad || t.k == want {
		return
	}
	if want == tBool {
		c.add(f, f.Root.Pos, "条件必须是是/否表达式（如 a && b、x <= 5.5），这里得到的是"+t.name())
	} else {
		c.add(f, f.Root.Pos, "金额必须是数字表达式，这里得到的是"+t.name())
	}
}

// describe names an operand for messages.
func (c *checker) describe(e *Expr) string {
	switch e.Op {
	case OpQuestion, OpParam:
		return e.Name
	case OpNum:
		return e.Num.String()
	case OpStr:
		return strconv.Quote(e.Name)
	case OpBool:
		if e.Bool {
			return "true"
		}
		return "false"
	}
	return "“" + e.Op + "”表达式"
}

func (c *checker) options(q int) string {
	var vs []string
	for _, o := range c.p.Questions[q].Options {
		vs = append(vs, strconv.Quote(o.Value))
	}
	return strings.Join(vs, "、")
}

func (c *checker) hasOption(q int, v string) bool {
	for _, o := range c.p.Questions[q].Options {
		if o.Value == v {
			return true
		}
	}
	return false
}

// want reports a problem unless e has type k; it returns false on mismatch.
func (c *checker) want(f *Formula, e *Expr, t typ, k int, what string) bool {
	if t.k == tBad || t.k == k {
		return t.k == k
	}
	switch {
	case t.k == tChoice && k == tNum:
		c.add(f, e.Pos, what+"需要数字，但 "+c.describe(e)+" 是选择题，只能与选项值比较（可选："+c.options(t.q)+"）")
	case t.k == tBool && k == tNum:
		c.add(f, e.Pos, what+"需要数字，但 "+c.describe(e)+" 是是/否值")
	case k == tBool:
		c.add(f, e.Pos, what+"需要是/否值，但 "+c.describe(e)+" 是"+t.name())
	default:
		c.add(f, e.Pos, what+"需要"+typ{k: k}.name()+"，但 "+c.describe(e)+" 是"+t.name())
	}
	return false
}

func (c *checker) expr(f *Formula, e *Expr) typ {
	if e == nil {
		c.add(f, 0, "表达式不完整")
		return typ{}
	}
	arity := func(n int, exact bool) bool {
		if len(e.Args) == n || !exact && len(e.Args) >= n {
			return true
		}
		c.add(f, e.Pos, e.Op+" 的参数个数不对")
		return false
	}
	switch e.Op {
	case OpQuestion:
		i, ok := c.p.qIdx[e.Name]
		if !ok {
			c.add(f, e.Pos, "未声明的问题 "+e.Name)
			return typ{}
		}
		e.idx = i
		switch c.p.Questions[i].Type {
		case TypeBool:
			return typ{k: tBool}
		case TypeNumber:
			return typ{k: tNum}
		case TypeChoice:
			return typ{k: tChoice, q: i}
		}
		return typ{}
	case OpParam:
		i, ok := c.p.pIdx[e.Name]
		if !ok {
			c.add(f, e.Pos, "未声明的参数 "+e.Name)
			return typ{}
		}
		e.idx = i
		return typ{k: tNum}
	case OpNum:
		return typ{k: tNum}
	case OpStr:
		return typ{k: tStr}
	case OpBool:
		return typ{k: tBool}
	case OpBracket:
		i, ok := c.p.bIdx[e.Name]
		if !ok {
			c.add(f, e.Pos, "未声明的分档表 "+e.Name)
			return typ{}
		}
		e.idx = i
		if arity(1, true) {
			c.want(f, e.Args[0], c.expr(f, e.Args[0]), tNum, "分档表 "+e.Name+" ")
		}
		return typ{k: tNum}
	case OpNot:
		if arity(1, true) {
			c.want(f, e.Args[0], c.expr(f, e.Args[0]), tBool, "! ")
		}
		return typ{k: tBool}
	case OpNeg:
		if arity(1, true) {
			c.want(f, e.Args[0], c.expr(f, e.Args[0]), tNum, "负号 ")
		}
		return typ{k: tNum}
	case "&&", "||":
		if arity(2, true) {
			for _, a := range e.Args {
				c.want(f, a, c.expr(f, a), tBool, e.Op+" ")
			}
		}
		return typ{k: tBool}
	case "+", "-", "*", "/", "<", "<=", ">", ">=":
		if arity(2, true) {
			for _, a := range e.Args {
				c.want(f, a, c.expr(f, a), tNum, e.Op+" ")
			}
		}
		if e.Op == "+" || e.Op == "-" || e.Op == "*" || e.Op == "/" {
			return typ{k: tNum}
		}
		return typ{k: tBool}
	case "==", "!=":
		if !arity(2, true) {
			return typ{k: tBool}
		}
		a, b := c.expr(f, e.Args[0]), c.expr(f, e.Args[1])
		c.compare(f, e, a, b)
		return typ{k: tBool}
	case OpMin, OpMax:
		if arity(2, false) {
			for _, a := range e.Args {
				c.want(f, a, c.expr(f, a), tNum, e.Op+"() ")
			}
		}
		return typ{k: tNum}
	case OpIf:
		if !arity(3, true) {
			return typ{}
		}
		c.want(f, e.Args[0], c.expr(f, e.Args[0]), tBool, "if() 的条件")
		a, b := c.expr(f, e.Args[1]), c.expr(f, e.Args[2])
		if a.k == tBad || b.k == tBad {
			return typ{}
		}
		if a.k != b.k || a.k == tStr || a.k == tChoice {
			c.add(f, e.Pos, "if() 的两个分支必须同为数字或同为是/否值，这里是"+a.name()+"与"+b.name())
			return typ{}
		}
		return a
	case OpIn:
		if !arity(2, false) {
			return typ{k: tBool}
		}
		t := c.expr(f, e.Args[0])
		if t.k != tChoice {
			if t.k != tBad {
				c.add(f, e.Args[0].Pos, "in() 的第一个参数必须是选择题，"+c.describe(e.Args[0])+" 是"+t.name())
			}
			return typ{k: tBool}
		}
		for _, a := range e.Args[1:] {
			if a.Op != OpStr {
				c.add(f, a.Pos, "in() 的选项必须是用引号括起的选项值")
			} else if !c.hasOption(t.q, a.Name) {
				c.add(f, a.Pos, strconv.Quote(a.Name)+" 不是问题 "+c.p.Questions[t.q].ID+" 的选项（可选："+c.options(t.q)+"）")
			}
		}
		return typ{k: tBool}
	}
	c.add(f, e.Pos, "未知的运算 "+strconv.Quote(e.Op))
	return typ{}
}

// compare checks == and !=: same types, and a choice only against one of
// its option values.
func (c *checker) compare(f *Formula, e *Expr, a, b typ) {
	if a.k == tBad || b.k == tBad {
		return
	}
	l, r := e.Args[0], e.Args[1]
	if b.k == tChoice { // put the choice on the left
		a, b, l, r = b, a, r, l
	}
	switch {
	case a.k == tChoice && b.k == tStr:
		if !c.hasOption(a.q, r.Name) {
			c.add(f, r.Pos, strconv.Quote(r.Name)+" 不是问题 "+c.p.Questions[a.q].ID+" 的选项（可选："+c.options(a.q)+"）")
		}
	case a.k == tChoice:
		c.add(f, r.Pos, "选择题 "+l.Name+" 只能与选项值比较（可选："+c.options(a.q)+"），"+c.describe(r)+" 是"+b.name())
	case a.k == tStr || b.k == tStr:
		c.add(f, e.Pos, "字符串只能与选择题比较")
	case a.k != b.k:
		c.add(f, e.Pos, e.Op+" 两边的类型不同："+c.describe(l)+" 是"+a.name()+"，"+c.describe(r)+" 是"+b.name())
	}
}
