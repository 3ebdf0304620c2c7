package calculator

// "How close": for a benefit that is not met because of a number (裁员人数,
// 参保月数, 贷款金额 …), the nearest value of that number that would change
// the result; for a possible one, the answer that would make it met. All
// found by evaluating the benefit's own criteria again with one answer
// changed, so a hint is never a guess: every value it names has been
// checked.

// Closer says what single answer would change a result.
type Closer struct {
	Question string // question id
	Value    string // the answer that changes the result (as the page sends it)
	Status   string // the status that answer gives
	Text     string // "上年度裁减人数为3人；不超过1人即可符合"
}

// maxCloser bounds the hints per benefit ("the one or two questions that decide it").
const maxCloser = 2

// closer fills r.Closer for an ineligible or possible benefit.
func (en *env) closer(s *state, r *BenefitResult) {
	switch s.base {
	case Ineligible:
		en.closerIneligible(s, r)
	case Possible:
		en.closerPossible(s, r)
	}
	if s.base != Ineligible {
		for _, f := range []*Formula{s.b.Amount, s.b.PerPerson, s.b.AmountMax} {
			if f != nil {
				en.nextBand(f.Root, r)
			}
		}
	}
}

// nextBand says, for a bracket read from an answered question (留用率 in
// 50%–60%), where the next, higher band starts and what it pays there.
func (en *env) nextBand(e *Expr, r *BenefitResult) {
	for _, a := range e.Args {
		en.nextBand(a, r)
	}
	if e.Op != OpBracket || e.Args[0].Op != OpQuestion || len(r.Closer) >= maxCloser+1 {
		return
	}
	qi := e.Args[0].idx
	q, v := en.p.Questions[qi], en.ans[qi]
	if !v.known() || v.t != tNum {
		return
	}
	cur, ok := en.row(e, v.n)
	if !ok {
		return
	}
	br := en.p.Brackets[e.idx]
	for _, row := range br.Rows {
		if row.From == nil || row.From.Cmp(v.n) <= 0 || row.Value.Cmp(cur.Value) <= 0 {
			continue
		}
		if q.Max != nil && row.From.Cmp(*q.Max) > 0 {
			return
		}
		r.Closer = append(r.Closer, Closer{
			Question: q.ID, Value: row.From.String(), Status: r.Status,
			Text: q.Name() + "为" + v.n.Text() + q.Unit + "；达到" + row.From.Text() + q.Unit + "时，" + br.Label + "为" + row.Value.Text() + br.Unit + "（现为" + cur.Value.Text() + br.Unit + "）",
		})
		return
	}
}

// baseWith evaluates the benefit's criteria with question qi set to v.
func (en *env) baseWith(b *Benefit, qi int, v val) string {
	old := en.ans[qi]
	errs, noParam := en.errs, en.noParam
	en.ans[qi] = v
	anyUnknown := false
	status := Eligible
	for _, c := range b.Criteria {
		x := en.eval(c.Expr.Root)
		if !x.known() {
			anyUnknown = true
			continue
		}
		if !x.b {
			status = Ineligible
			break
		}
	}
	en.ans[qi] = old
	en.errs, en.noParam = errs, noParam
	if status == Eligible && anyUnknown {
		status = Possible
	}
	return status
}

// questionsIn lists the questions an expression reads.
func questionsIn(e *Expr, out []int) []int {
	if e.Op == OpQuestion {
		return union(out, []int{e.idx})
	}
	for _, a := range e.Args {
		out = questionsIn(a, out)
	}
	return out
}

func (en *env) closerIneligible(s *state, r *BenefitResult) {
	b := s.b
	var qs []int
	for i, c := range b.Criteria {
		if m := s.criteria[i].Met; m != nil && !*m {
			qs = questionsIn(c.Expr.Root, qs)
		}
	}
	for _, qi := range qs {
		q := en.p.Questions[qi]
		cur := en.ans[qi]
		if q.Type != TypeNumber || !cur.known() || len(r.Closer) >= maxCloser {
			continue
		}
		best, bestStatus, found := Rat{}, "", false
		var bestDist Rat
		for _, c := range en.candidates(b, qi) {
			st := en.baseWith(b, qi, numVal(c))
			if st == Ineligible {
				continue
			}
			d, err := c.Sub(cur.n)
			if err != nil {
				continue
			}
			if d.Sign() < 0 {
				d = d.Neg()
			}
			if !found || d.Cmp(bestDist) < 0 {
				best, bestStatus, bestDist, found = c, st, d, true
			}
		}
		if !found {
			continue
		}
		how := "若为"
		switch c := best.Cmp(cur.n); {
		case c < 0 && en.holdsBeyond(b, qi, best, -1):
			how = "不超过"
		case c > 0 && en.holdsBeyond(b, qi, best, 1):
			how = "不少于"
		}
		r.Closer = append(r.Closer, Closer{
			Question: q.ID, Value: best.String(), Status: bestStatus,
			Text: q.Name() + "为" + cur.n.Text() + q.Unit + "；" + how + best.Text() + q.Unit + "即" + verb(bestStatus),
		})
	}
}

// holdsBeyond checks that the result also changes further in the same
// direction (at the question's bound, or far away), so "不超过1人" is true
// of every smaller number the check could reach, not just of 1.
func (en *env) holdsBeyond(b *Benefit, qi int, at Rat, dir int) bool {
	q := en.p.Questions[qi]
	var far Rat
	switch {
	case dir < 0 && q.Min != nil:
		far = *q.Min
	case dir < 0:
		far = Int(0)
		if at.Sign() <= 0 {
			return false
		}
	case q.Max != nil:
		far = *q.Max
	default:
		x, err := at.Mul(Int(1000))
		if err != nil {
			return false
		}
		if far, err = x.Add(Int(1000)); err != nil {
			return false
		}
	}
	if far.Cmp(at) == 0 {
		return true
	}
	if en.baseWith(b, qi, numVal(far)) == Ineligible {
		return false
	}
	// and half way, which catches a window such as "30人（含）以下" combined
	// with another bound
	mid, err := far.Add(at)
	if err == nil {
		mid, err = mid.Div(Int(2))
	}
	if err != nil {
		return false
	}
	if q.Integer {
		mid = floorRat(mid)
	}
	return en.baseWith(b, qi, numVal(mid)) != Ineligible
}

func verb(status string) string {
	if status == Eligible {
		return "可符合"
	}
	return "可能符合"
}

// candidates are the values of question qi at which some comparison of the
// benefit's criteria changes: each comparison is treated as linear in the
// question (f(x) = lhs − rhs, root −f(0)/(f(1)−f(0))), which every
// threshold of a rules file is; each candidate is verified afterwards, so a
// non-linear comparison costs only a missed hint, never a wrong one.
func (en *env) candidates(b *Benefit, qi int) []Rat {
	q := en.p.Questions[qi]
	var out []Rat
	add := func(x Rat) {
		if q.Integer && !x.IsInt() {
			return
		}
		if q.Min != nil && x.Cmp(*q.Min) < 0 || q.Max != nil && x.Cmp(*q.Max) > 0 {
			return
		}
		for _, y := range out {
			if y == x {
				return
			}
		}
		out = append(out, x)
	}
	var walk func(e *Expr)
	walk = func(e *Expr) {
		for _, a := range e.Args {
			walk(a)
		}
		switch e.Op {
		case "<", "<=", ">", ">=", "==", "!=":
		default:
			return
		}
		if !hasQuestion(e, qi) {
			return
		}
		f := func(x Rat) (Rat, bool) {
			old := en.ans[qi]
			errs, noParam := en.errs, en.noParam
			en.ans[qi] = numVal(x)
			l, r := en.eval(e.Args[0]), en.eval(e.Args[1])
			en.ans[qi] = old
			en.errs, en.noParam = errs, noParam
			if !l.known() || !r.known() || l.t != tNum || r.t != tNum {
				return Rat{}, false
			}
			d, err := l.n.Sub(r.n)
			return d, err == nil
		}
		f0, ok0 := f(Int(0))
		f1, ok1 := f(Int(1))
		if !ok0 || !ok1 {
			return
		}
		slope, err := f1.Sub(f0)
		if err != nil || slope.Sign() == 0 {
			return
		}
		root, err := f0.Neg().Div(slope)
		if err != nil {
			return
		}
		fl := floorRat(root)
		add(root)
		add(fl)
		if x, err := fl.Add(Int(1)); err == nil {
			add(x)
		}
		if x, err := fl.Sub(Int(1)); err == nil {
			add(x)
		}
		if !q.Integer { // just past a strict bound, to the cent
			cent := Rat{num: 1, den1: 99} // 1/100
			for _, d := range []Rat{cent, cent.Neg()} {
				if x, err := root.Add(d); err == nil {
					add(x)
				}
			}
		}
	}
	for _, c := range b.Criteria {
		walk(c.Expr.Root)
	}
	return out
}

func hasQuestion(e *Expr, qi int) bool {
	if e.Op == OpQuestion && e.idx == qi {
		return true
	}
	for _, a := range e.Args {
		if hasQuestion(a, qi) {
			return true
		}
	}
	return false
}

// floorRat rounds down to a whole number.
func floorRat(r Rat) Rat {
	if r.IsInt() {
		return r
	}
	n, d := r.num, r.den()
	q := n / d
	if n < 0 {
		q--
	}
	return Int(q)
}

// closerPossible names, for a possible benefit, the single answers that
// would make it met. When no one answer decides it, there is no hint: the
// result already lists the questions it depends on.
func (en *env) closerPossible(s *state, r *BenefitResult) {
	b := s.b
	for _, qi := range s.critDeps {
		if len(r.Closer) >= maxCloser {
			return
		}
		q := en.p.Questions[qi]
		for _, c := range en.answersOf(b, qi) {
			if en.baseWith(b, qi, c.v) != Eligible {
				continue
			}
			text := c.text
			if q.Type == TypeNumber {
				switch {
				case en.holdsBeyond(b, qi, c.v.n, 1):
					text = "不少于" + c.v.n.Text() + q.Unit
				case en.holdsBeyond(b, qi, c.v.n, -1):
					text = "不超过" + c.v.n.Text() + q.Unit
				}
				text = q.Name() + text
			}
			r.Closer = append(r.Closer, Closer{Question: q.ID, Value: answerText(c.v), Status: Eligible, Text: "若" + text + "，即可符合"})
			break
		}
	}
}

type cand struct {
	v    val
	text string
}

// answersOf lists the answers worth trying for question qi.
func (en *env) answersOf(b *Benefit, qi int) []cand {
	q := en.p.Questions[qi]
	switch q.Type {
	case TypeBool:
		l := "“" + q.Label + "”"
		return []cand{{boolVal(true), l + "答“是”"}, {boolVal(false), l + "答“否”"}}
	case TypeChoice:
		var out []cand
		for _, o := range q.Options {
			out = append(out, cand{val{t: tStr, s: o.Value}, q.Name() + "为“" + o.Label + "”"})
		}
		return out
	}
	var out []cand
	for _, x := range en.candidates(b, qi) {
		out = append(out, cand{numVal(x), "为" + x.Text() + q.Unit})
	}
	return out
}

func answerText(v val) string {
	switch v.t {
	case tBool:
		if v.b {
			return "true"
		}
		return "false"
	case tNum:
		return v.n.String()
	}
	return v.s
}
