package calculator

import "strings"

// finish turns a benefit's state into its explained result.
func (en *env) finish(s *state) BenefitResult {
	b := s.b
	r := BenefitResult{
		Benefit: b.ID, Measure: b.Measure, Name: b.Name, Kind: b.Kind,
		Criteria: s.criteria, Notes: b.Notes, Exclusions: s.excl,
		Fund: b.Fund, Departments: b.Departments,
		ValidFrom: b.validFrom, ValidUntil: b.validUntil,
		ValidCite: b.ValidCite, ValidAnchor: b.ValidAnchor, Claim: b.Claim,
		static: b.static,
	}
	en.errs, en.noParam = s.errs, s.noParam
	deps := s.critDeps
	r.Amount.Form = b.Form
	if b.Form == FormPerPerson {
		r.Amount.Form = FormExact // shown like any exact amount; the calculation shows persons × rate
	}
	var amountDeps []int
	if s.base != Ineligible {
		r.Calculation, amountDeps = en.amount(s, &r.Amount)
		deps = union(deps, amountDeps)
	}
	s.errs = en.errs

	// What the document's words allow at most, within validity.
	base := s.base
	var reasons []string
	for _, l := range s.openMiss {
		reasons = append(reasons, "“"+l+"”：文件所列人员以“等”字结尾，未列出的人员能否享受以负责部门认定为准")
	}
	if base == Eligible {
		switch b.Claim {
		case ClaimApply:
			base = CanApply
		case ClaimOpen:
			base = Possible
		}
	}
	if base != Ineligible && b.ClaimNote != "" && b.Claim != "" {
		reasons = append(reasons, b.ClaimNote)
	}
	status := base
	switch {
	case en.p.Basis != 0 && en.day < en.p.Basis:
		status = Undetermined
		r.Expiry = "本指南依据" + en.p.BasisName + "（" + en.p.Basis.Chinese() + "印发）整理，无法判断" + en.day.Chinese() + "的情况"
	case len(en.noParam) > 0:
		x := en.p.Params[en.noParam[0]]
		status = NotYet
		r.Expiry = "文件写明“" + x.Label + "”自" + x.Values[0].From.Chinese() + "起适用，所选日期" + en.day.Chinese() + "尚未适用"
	case b.ValidFrom != 0 && en.day < b.ValidFrom:
		status = NotYet
		r.Expiry = "文件写明" + b.ValidFrom.Chinese() + "起施行，尚未生效"
	case b.ValidUntil != 0 && en.day > b.ValidUntil:
		status = Expired
		r.Expiry = "已于" + b.ValidUntil.Chinese() + "到期"
		if s.base != Ineligible && r.Amount.Text != "" && len(amountDeps) == 0 && len(en.errs) == 0 && b.Form != FormNone && b.Form != FormUnstated {
			r.Calculation += "（政策已到期，以上为有效期内可得的金额，仅供参考）"
		}
	}
	if en.quiet {
		r.Calculation = ""
	}
	r.Status, r.StatusLabel = status, StatusLabel(status)
	if status != base {
		r.StatusIfValid = base
	}
	within := "有效期内"
	if status == Undetermined {
		within = "按本文件"
	}
	if base == Possible && len(reasons) > 0 && len(s.critDeps) == 0 {
		r.StatusLabel = "可能符合（以认定为准）"
		if status != Possible {
			r.StatusLabel = StatusLabel(status) + "（" + within + "可能符合，以认定为准）"
		}
	}
	if base == Possible && len(s.critDeps) > 0 {
		r.StatusLabel = "可能符合，取决于：" + en.names(s.critDeps)
		if status != Possible {
			r.StatusLabel = StatusLabel(status) + "（" + within + "可能符合，取决于：" + en.names(s.critDeps) + "）"
		}
	}
	r.StatusReason = strings.Join(reasons, "；")
	if s.base != Ineligible {
		s.missing = deps
		for _, qi := range deps {
			q := en.p.Questions[qi]
			r.Missing = append(r.Missing, QuestionRef{ID: q.ID, Label: q.Label})
		}
	}
	en.closer(s, &r)
	return r
}

// names lists question names for messages.
func (en *env) names(qs []int) string {
	var out []string
	for _, qi := range qs {
		out = append(out, en.p.Questions[qi].Name())
	}
	return strings.Join(out, "、")
}

// amount computes the amount of an eligible or possible benefit, fills a,
// and returns the calculation text and the questions an unknown amount
// depends on.
func (en *env) amount(s *state, a *AmountResult) (string, []int) {
	b := s.b
	unit := b.Unit
	var calc string
	var v, lo, hi, term val
	switch b.Form {
	case FormNone:
		a.Text = "不涉及金额"
		return "", nil
	case FormUnstated:
		a.Text = "金额文件未写明"
		return "", nil
	case FormExact:
		v = s.amount
		calc = en.top(b.Amount, unit)
		if !en.isLeaf(b.Amount.Root) && v.known() {
			calc += " = " + v.n.Text() + unit
		}
	case FormPerPerson:
		n := s.persons
		if s.persons.known() && s.minus.known() {
			d, err := s.persons.n.Sub(s.minus.n)
			n = numVal(d)
			if err != nil {
				en.fail(err.Error())
				n = unknown()
			}
		} else if !s.minus.known() {
			n = unknown(s.persons.deps, s.minus.deps)
		}
		v = en.mul(s.perPerson, n)
		who := en.plain(b.Persons.Root, 4)
		if s.overlapQ >= 0 {
			q := en.p.Questions[s.overlapQ]
			k := "（未填写）"
			if s.minus.known() {
				k = " " + s.minus.n.Text() + q.Unit
			}
			who = "（" + en.plain(b.Persons.Root, 4) + " − " + q.Name() + k + "）"
		}
		calc = who + " × " + en.plain(b.PerPerson.Root, 5)
		if v.known() {
			calc += " = " + v.n.Text() + unit
		}
		if s.minusText != "" {
			calc += "；" + s.minusText
		}
		if s.plusText != "" {
			calc += "；" + s.plusText
		}
	case FormUpTo, FormLoan:
		hi = s.amax
		calc = "最高 " + en.top(b.AmountMax, unit)
		if !en.isLeaf(b.AmountMax.Root) && hi.known() {
			calc += " = " + hi.n.Text() + unit
		}
		if b.Form == FormLoan && b.TermMonths != nil {
			term = s.term
			calc += "；期限不超过 " + en.top(b.TermMonths, "个月")
			if !en.isLeaf(b.TermMonths.Root) && term.known() {
				calc += " = " + term.n.Text() + "个月"
			}
		}
	case FormRange:
		lo, hi = s.amin, s.amax
		calc = en.top(b.AmountMin, unit) + " 至 " + en.top(b.AmountMax, unit)
	}

	// The cap limits whatever the form computes.
	if b.Cap != nil {
		c := s.cap
		limit := func(x *val, what string) {
			switch {
			case !x.known():
			case !c.known():
				*x = unknown(c.deps)
			case x.n.Cmp(c.n) > 0:
				calc += "；" + what + "超过上限 " + en.top(b.Cap, unit) + "，按上限计"
				if !en.isLeaf(b.Cap.Root) {
					calc += " " + c.n.Text() + unit
				}
				*x = c
			}
		}
		if b.Form == FormExact || b.Form == FormPerPerson {
			limit(&v, "")
		} else {
			limit(&lo, "最低额")
			limit(&hi, "最高额")
		}
	}

	var deps []int
	fix := func(x val, out *string, keep **Rat) bool {
		if !x.known() {
			deps = union(deps, x.deps)
			return false
		}
		if x.n.Sign() < 0 {
			en.fail("计算结果为负数，请检查填写的数字")
			return false
		}
		q, rounded, err := x.n.Round2()
		if err != nil {
			en.fail(err.Error())
			return false
		}
		a.Rounded = a.Rounded || rounded
		*out = q.String()
		*keep = &q
		return true
	}
	ok := true
	switch b.Form {
	case FormExact, FormPerPerson:
		if ok = fix(v, &a.Value, &a.value); ok {
			a.Text = moneyText(*a.value) + unit
		}
	case FormUpTo:
		if ok = fix(hi, &a.Max, &a.max); ok {
			a.Text = "最高" + moneyText(*a.max) + unit
		}
	case FormRange:
		ok1 := fix(lo, &a.Min, &a.min)
		ok = fix(hi, &a.Max, &a.max) && ok1
		if ok {
			a.Text = moneyText(*a.min) + "–" + moneyText(*a.max) + unit
		}
	case FormLoan:
		if ok = fix(hi, &a.Max, &a.max); ok {
			a.Text = "最高" + moneyText(*a.max) + unit
		}
		if b.TermMonths != nil {
			if fix(term, &a.TermMonths, &a.term) && ok {
				a.Text += "，期限不超过" + moneyText(*a.term) + "个月"
			}
		}
	}
	if a.Rounded {
		calc += "（金额已四舍五入到分）"
	}
	if !ok {
		a.Text = "暂无法计算"
		if len(deps) > 0 {
			a.Text = "金额取决于：" + en.names(deps)
		}
	}
	return calc, deps
}

// top renders an amount formula; a bare number gets the unit so that
// "5,000" reads "5,000元".
func (en *env) top(f *Formula, unit string) string {
	if en.quiet {
		return ""
	}
	s := en.plain(f.Root, 0)
	if en.resolve(f.Root).Op == OpNum {
		s += unit
	}
	return s
}

func (en *env) mul(a, b val) val {
	if !a.known() || !b.known() {
		return unknown(a.deps, b.deps)
	}
	r, err := a.n.Mul(b.n)
	if err != nil {
		en.fail(err.Error())
		return unknown()
	}
	return numVal(r)
}

// isLeaf reports whether e shows as a single number (after choosing the
// branch of a decided if), so "= total" would only repeat it.
// Quiet (no explanations): true, so no "= total" is appended either.
func (en *env) isLeaf(e *Expr) bool {
	if en.quiet {
		return true
	}
	switch e.Op {
	case OpIf:
		errs, noParam := en.errs, en.noParam // already recorded once
		c := en.eval(e.Args[0])
		en.errs, en.noParam = errs, noParam
		if c.known() {
			if c.b {
				return en.isLeaf(e.Args[1])
			}
			return en.isLeaf(e.Args[2])
		}
		return false
	case OpNum, OpParam, OpQuestion, OpBracket:
		return true
	}
	return false
}

var opText = map[string]string{
	"+": "+", "-": "−", "*": "×", "/": "÷", "&&": "且", "||": "或",
	"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥",
}

func precedence(op string) int {
	switch op {
	case "||":
		return 1
	case "&&":
		return 2
	case "==", "!=", "<", "<=", ">", ">=":
		return 3
	case "+", "-":
		return 4
	case "*", "/":
		return 5
	}
	return 7
}

// rend writes e with the user's numbers filled in: "见习人数 3人 ×
// 见习补贴标准 1,350元/人/月" (the plain text, pl, falls back to it).
func (en *env) rend(sb *strings.Builder, e *Expr, prec int) {
	switch e.Op {
	case OpQuestion:
		q := en.p.Questions[e.idx]
		v := en.ans[e.idx]
		sb.WriteString(q.Name())
		switch {
		case !v.known():
			sb.WriteString("（未填写）")
		case v.t == tNum:
			sb.WriteByte(' ')
			sb.WriteString(v.n.Text())
			sb.WriteString(q.Unit)
		case v.t == tBool && v.b:
			sb.WriteString("：是")
		case v.t == tBool:
			sb.WriteString("：否")
		default:
			sb.WriteString("：")
			sb.WriteString(optionLabel(q, v.s))
		}
	case OpParam:
		x := en.p.Params[e.idx]
		sb.WriteString(x.Label)
		if pv, ok := x.At(en.day); ok {
			sb.WriteByte(' ')
			sb.WriteString(pv.Value.Text())
			sb.WriteString(x.Unit)
		} else {
			sb.WriteString("（所选日期无规定）")
		}
	case OpNum:
		sb.WriteString(e.Num.Text())
	case OpStr:
		sb.WriteString("“" + e.Name + "”")
	case OpBool:
		if e.Bool {
			sb.WriteString("是")
		} else {
			sb.WriteString("否")
		}
	case OpBracket:
		b := en.p.Brackets[e.idx]
		sb.WriteString(b.Label)
		a := en.eval(e.Args[0])
		row, ok := Row{}, false
		if a.known() {
			row, ok = en.row(e, a.n)
		}
		switch {
		case !a.known():
			sb.WriteString("（取决于")
		case !ok:
			sb.WriteString("（")
		default:
			sb.WriteByte(' ')
			sb.WriteString(row.Value.Text())
			sb.WriteString(b.Unit)
			sb.WriteString("（")
		}
		en.rend(sb, e.Args[0], 0)
		switch {
		case !a.known():
			sb.WriteString("）")
		case !ok:
			sb.WriteString(" 不在分档范围内）")
		default:
			sb.WriteString("，适用“" + rowText(row, en.unitOf(e.Args[0])) + "”档）")
		}
	case OpIf:
		c := en.eval(e.Args[0])
		switch {
		case c.known() && c.b:
			en.rend(sb, e.Args[1], prec)
		case c.known():
			en.rend(sb, e.Args[2], prec)
		default:
			sb.WriteString("（若")
			en.cond(sb, e.Args[0])
			sb.WriteString("：")
			en.rend(sb, e.Args[1], 0)
			sb.WriteString("；否则：")
			en.rend(sb, e.Args[2], 0)
			sb.WriteString("）")
		}
	case OpMin, OpMax, OpNeg:
		en.minMaxNeg(sb, e, en.rend)
	case OpNot:
		sb.WriteString("并非（")
		en.rend(sb, e.Args[0], 0)
		sb.WriteString("）")
	case OpIn:
		en.rend(sb, e.Args[0], 3)
		sb.WriteString(" 属于 ")
		for i, a := range e.Args[1:] {
			if i > 0 {
				sb.WriteString("、")
			}
			en.rend(sb, a, 0)
		}
	default:
		if (e.Op == "==" || e.Op == "!=") && en.choiceText(sb, e) {
			return
		}
		p := precedence(e.Op)
		right := p
		if e.Op == "-" || e.Op == "/" {
			right = p + 1 // a − (b − c) keeps its parentheses
		}
		if p < prec {
			sb.WriteString("（")
		}
		en.rend(sb, e.Args[0], p)
		sb.WriteString(" " + opText[e.Op] + " ")
		en.rend(sb, e.Args[1], right)
		if p < prec {
			sb.WriteString("）")
		}
	}
}

// minMaxNeg writes min, max and negation, rendering their arguments with
// rec (the formula text or the plain text).
func (en *env) minMaxNeg(sb *strings.Builder, e *Expr, rec func(*strings.Builder, *Expr, int)) {
	if e.Op == OpNeg {
		sb.WriteString("−")
		rec(sb, e.Args[0], 6)
		return
	}
	if e.Op == OpMin {
		sb.WriteString("较小值（")
	} else {
		sb.WriteString("较大值（")
	}
	for i, a := range e.Args {
		if i > 0 {
			sb.WriteString("，")
		}
		rec(sb, a, 0)
	}
	sb.WriteString("）")
}

// cond renders an undecided condition without "（未填写）" noise.
func (en *env) cond(sb *strings.Builder, e *Expr) {
	if e.Op == OpQuestion {
		sb.WriteString(en.p.Questions[e.idx].Name())
		return
	}
	en.rend(sb, e, 0)
}

// choiceText reads `size == "large"` as 单位类型为“大型企业”.
func (en *env) choiceText(sb *strings.Builder, e *Expr) bool {
	q, lit := e.Args[0], e.Args[1]
	if q.Op != OpQuestion {
		q, lit = lit, q
	}
	if q.Op != OpQuestion || lit.Op != OpStr {
		return false
	}
	qq := en.p.Questions[q.idx]
	sb.WriteString(qq.Name())
	if e.Op == "!=" {
		sb.WriteString("不为")
	} else {
		sb.WriteString("为")
	}
	sb.WriteString("“" + optionLabel(qq, lit.Name) + "”")
	return true
}

// unitOf is the unit of a simple operand (for bracket ranges).
func (en *env) unitOf(e *Expr) string {
	switch e.Op {
	case OpQuestion:
		return en.p.Questions[e.idx].Unit
	case OpParam:
		return en.p.Params[e.idx].Unit
	}
	return ""
}

func optionLabel(q *Question, v string) string {
	for _, o := range q.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// rowText describes a bracket row the way the document does:
// "60%–70%（不含70%）", "70%及以上", "低于50%".
func rowText(r Row, unit string) string {
	switch {
	case r.From != nil && r.Below != nil:
		return r.From.Text() + unit + "–" + r.Below.Text() + unit + "（不含" + r.Below.Text() + unit + "）"
	case r.From != nil:
		return r.From.Text() + unit + "及以上"
	case r.Below != nil:
		return "低于" + r.Below.Text() + unit
	}
	return "全部"
}

// plain writes an amount formula as a reader checks it by hand: the user's
// numbers and the document's values with their units, branches already
// chosen, and a rate "× 60% ÷ 100" written as "× 60%":
// "30,000元 × 60% = 18,000元". Criteria keep the named form of render.
func (en *env) plain(e *Expr, prec int) string {
	errs, noParam := en.errs, en.noParam
	var sb strings.Builder
	sb.Grow(128)
	en.pl(&sb, e, prec)
	en.errs, en.noParam = errs, noParam
	return sb.String()
}

// resolve follows decided if-branches.
func (en *env) resolve(e *Expr) *Expr {
	for e.Op == OpIf {
		c := en.eval(e.Args[0])
		if !c.known() {
			return e
		}
		if c.b {
			e = e.Args[1]
		} else {
			e = e.Args[2]
		}
	}
	return e
}

// isPct reports whether e is a percentage: a param or question in "%", or
// a sum or difference of percentages and plain numbers with at least one
// percentage ("100 + 提高比例 10%" reads "100% + 10%").
func (en *env) isPct(e *Expr) bool {
	e = en.resolve(e)
	switch e.Op {
	case OpParam:
		return en.p.Params[e.idx].Unit == "%"
	case OpQuestion:
		return en.p.Questions[e.idx].Unit == "%"
	case OpIf:
		return en.isPct(e.Args[1]) && en.isPct(e.Args[2])
	case "+", "-":
		a, b := en.resolve(e.Args[0]), en.resolve(e.Args[1])
		return (en.isPct(a) || a.Op == OpNum) && (en.isPct(b) || b.Op == OpNum) && (en.isPct(a) || en.isPct(b))
	}
	return false
}

// factors flattens a product.
func (en *env) factors(e *Expr, out []*Expr) []*Expr {
	e = en.resolve(e)
	if e.Op == "*" {
		out = en.factors(e.Args[0], out)
		return en.factors(e.Args[1], out)
	}
	return append(out, e)
}

// pct writes a percentage found by isPct, numbers as percents.
func (en *env) pct(sb *strings.Builder, e *Expr, prec int) {
	e = en.resolve(e)
	switch e.Op {
	case OpNum:
		sb.WriteString(e.Num.Text() + "%")
	case "+", "-":
		if prec > 4 {
			sb.WriteString("（")
		}
		en.pct(sb, e.Args[0], 4)
		sb.WriteString(" " + opText[e.Op] + " ")
		en.pct(sb, e.Args[1], 5)
		if prec > 4 {
			sb.WriteString("）")
		}
	default:
		en.pl(sb, e, prec)
	}
}

func (en *env) pl(sb *strings.Builder, e *Expr, prec int) {
	e = en.resolve(e)
	switch e.Op {
	case OpQuestion:
		q := en.p.Questions[e.idx]
		v := en.ans[e.idx]
		switch {
		case !v.known():
			sb.WriteString(q.Name() + "（未填写）")
		case v.t == tNum:
			sb.WriteString(v.n.Text() + q.Unit)
		default:
			en.rend(sb, e, prec)
		}
	case OpParam:
		x := en.p.Params[e.idx]
		if pv, ok := x.At(en.day); ok {
			sb.WriteString(pv.Value.Text() + x.Unit)
		} else {
			sb.WriteString(x.Label + "（所选日期无规定）")
		}
	case OpNum:
		sb.WriteString(e.Num.Text())
	case OpBracket:
		b := en.p.Brackets[e.idx]
		a := en.eval(e.Args[0])
		row, ok := Row{}, false
		if a.known() {
			row, ok = en.row(e, a.n)
		}
		if !ok {
			en.rend(sb, e, prec)
			return
		}
		sb.WriteString(row.Value.Text() + b.Unit + "（")
		en.rend(sb, e.Args[0], 0)
		sb.WriteString("，" + rowText(row, en.unitOf(e.Args[0])) + "档）")
	case OpIf:
		c := en.eval(e.Args[0])
		sb.WriteString("（取决于：" + en.names(c.deps) + "）")
	case OpMin, OpMax, OpNeg:
		en.minMaxNeg(sb, e, en.pl)
	case "*", "/", "+", "-":
		if e.Op == "/" {
			if d := en.resolve(e.Args[1]); d.Op == OpNum && d.Num == Int(100) {
				fs := en.factors(e.Args[0], nil)
				at := -1
				for i, f := range fs {
					if en.isPct(f) {
						at = i
						break
					}
				}
				if at >= 0 {
					if 5 < prec {
						sb.WriteString("（")
					}
					for i, f := range fs {
						if i > 0 {
							sb.WriteString(" × ")
						}
						if i == at {
							en.pct(sb, f, 5)
						} else {
							en.pl(sb, f, 5)
						}
					}
					if 5 < prec {
						sb.WriteString("）")
					}
					return
				}
			}
		}
		p := precedence(e.Op)
		right := p
		if e.Op == "-" || e.Op == "/" {
			right = p + 1
		}
		if p < prec {
			sb.WriteString("（")
		}
		en.pl(sb, e.Args[0], p)
		sb.WriteString(" " + opText[e.Op] + " ")
		en.pl(sb, e.Args[1], right)
		if p < prec {
			sb.WriteString("）")
		}
	default:
		en.rend(sb, e, prec)
	}
}
