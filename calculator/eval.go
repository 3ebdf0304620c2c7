package calculator

// Input is one set of answers.
type Input struct {
	Date     string   // "2006-01-02"; "" = Today()
	Audience string   // audience id; "" = every benefit and question
	Answers  []Member // question id → answer as the page sends it
	// Extra lists unexpected top-level keys of the JSON input (reported).
	Extra []string
}

// Result is everything the page shows for one Input.
type Result struct {
	Date     string
	Audience string
	Errors   []InputError
	Ask      []string // question ids that can still change a result, in questions order
	Results  []BenefitResult
	Notice   string

	safe bool // the texts of Results need no JSON escaping (see safeText)
}

// InputError is a problem with the input. Question is set for an answer,
// Field for a top-level field ("date", "audience", "answers", "input"),
// Benefit for a calculation that failed (e.g. division by zero).
type InputError struct {
	Question string
	Field    string
	Benefit  string
	Message  string
}

// Statuses.
const (
	Eligible   = "eligible"
	Ineligible = "ineligible"
	Possible   = "possible"
	Expired    = "expired"
	NotYet     = "not_yet"
	// CanApply: every stated condition is met, but the benefit is a
	// competitive application, not an entitlement.
	CanApply = "can_apply"
	// Undetermined: the date is before the document the rules rest on.
	Undetermined = "undetermined"
)

// StatusLabel is the Chinese label of a status.
func StatusLabel(s string) string {
	switch s {
	case Eligible:
		return "符合"
	case Ineligible:
		return "不符合"
	case Possible:
		return "可能符合"
	case Expired:
		return "已到期"
	case NotYet:
		return "未生效"
	case CanApply:
		return "可申报"
	case Undetermined:
		return "无法判断"
	}
	return s
}

// BenefitResult is the explained result for one benefit.
type BenefitResult struct {
	Benefit, Measure, Name, Kind string
	Status                       string
	StatusLabel                  string
	StatusIfValid                string // expired / not_yet: what it would be within validity
	StatusReason                 string // why the status is no stronger (open list, open conditions, application)
	Amount                       AmountResult
	Calculation                  string
	Criteria                     []CriterionResult
	Missing                      []QuestionRef
	Notes                        []Note
	Exclusions                   []ExclusionRef
	Closer                       []Closer // what single answer would change the result (closer.go)
	Fund                         string
	Departments                  []string
	ValidFrom, ValidUntil        string
	ValidCite, ValidAnchor       string // the document's words stating ValidUntil
	Claim                        string // "", "apply" or "open" (see Benefit.Claim)
	Expiry                       string // validity message: "已于2023年12月31日到期", "2024年1月1日起施行"

	static *staticJSON // pre-encoded answer-independent fields (from Check)
}

// AmountResult is an amount as exact decimal strings ("" = none/unknown).
type AmountResult struct {
	Form       string // exact | up_to | range | loan | none
	Value      string
	Min, Max   string
	TermMonths string
	Text       string
	Rounded    bool // rounded to 2 decimals (half up) from the exact value

	value, min, max, term *Rat // for ExampleFailures
}

// yes and no are what CriterionResult.Met points to (shared: do not modify).
var yes, no = true, false

// CriterionResult is a criterion and whether it is met (Met nil = unknown).
type CriterionResult struct {
	Label  string
	Met    *bool
	Cite   string
	Anchor string
	Open   bool // an open list: not met means 以认定为准
}

// QuestionRef names a question.
type QuestionRef struct{ ID, Label string }

// ExclusionRef says a benefit cannot be combined with another.
type ExclusionRef struct{ Label, With string }

// env is the state of one evaluation.
type env struct {
	p       *Program
	day     Date
	ans     []val
	errs    []string // problems met while evaluating the current benefit
	noParam []int    // params without a value on day
	quiet   bool     // Options.NoExplain: skip the calculation texts
}

// Options change how much Eval explains. The zero value explains everything.
type Options struct {
	// NoExplain leaves every BenefitResult.Calculation empty and skips
	// building it (rendering formulas with the user's numbers is most of
	// the cost of an evaluation). Statuses, status labels, amounts, amount
	// texts, criteria, missing questions, exclusions and errors are the
	// same as with explanations: the texts are only rendered, never
	// evaluated into the result. For bulk matching (免申即享), where only
	// the outcome of each benefit is kept.
	NoExplain bool
	// Scratch, when set, lends its memory to the evaluation's working
	// state (not to the Result, which never points into it), so that one
	// goroutine evaluating many inputs allocates less. A Scratch must not
	// be used by two evaluations at the same time.
	Scratch *Scratch
}

// Scratch is reusable working memory for EvalWith (see Options.Scratch).
// The zero value is ready to use.
type Scratch struct {
	ans    []val
	qerr   []string
	pool   []state
	all    []*state
	states []*state
	asked  []bool
}

// grow returns s[:n], zeroed, reusing s's memory when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func (en *env) fail(msg string) { en.errs = append(en.errs, msg) }

// Eval evaluates every benefit (of the audience) for the input.
func Eval(p *Program, in Input) Result { return EvalWith(p, in, Options{}) }

// EvalWith is Eval with options.
func EvalWith(p *Program, in Input, opt Options) Result {
	res := Result{Audience: in.Audience, Notice: p.Notice, safe: p.safe}
	if res.Notice == "" {
		res.Notice = DefaultNotice
	}
	for _, k := range in.Extra {
		res.Errors = append(res.Errors, InputError{Field: k, Message: "未知的字段 " + k + "，已忽略"})
	}
	if !p.checked {
		res.Errors = append(res.Errors, InputError{Field: "rules", Message: "规则未通过检查，无法计算"})
		return res
	}
	en := &env{p: p, quiet: opt.NoExplain}
	if in.Date != "" {
		en.day = ParseDate(in.Date)
		if en.day == 0 {
			res.Errors = append(res.Errors, InputError{Field: "date", Message: "日期“" + in.Date + "”无效，应写作 2023-11-01 这样的格式；已按今天计算"})
		}
	}
	if en.day == 0 && Today != nil {
		en.day = Today()
	}
	if en.day == 0 {
		res.Errors = append(res.Errors, InputError{Field: "date", Message: "缺少参考日期"})
		return res
	}
	res.Date = en.day.String()
	if in.Audience != "" && !p.knownAudience(in.Audience) {
		res.Errors = append(res.Errors, InputError{Field: "audience", Message: "未知的对象“" + in.Audience + "”，已显示全部结果"})
		in.Audience, res.Audience = "", ""
	}

	// Answers: every question starts unknown, depending on itself.
	sc := opt.Scratch
	if sc == nil {
		sc = &Scratch{}
	}
	sc.ans = grow(sc.ans, len(p.Questions))
	en.ans = sc.ans
	for i := range en.ans {
		en.ans[i] = val{deps: p.self[i]}
	}
	sc.qerr = grow(sc.qerr, len(p.Questions))
	qerr := sc.qerr
	var unknownIDs []string
	var warns []InputError
	for _, m := range in.Answers {
		qi, ok := p.qIdx[m.Key]
		if !ok {
			unknownIDs = append(unknownIDs, m.Key)
			continue
		}
		en.ans[qi], qerr[qi] = p.answer(qi, m.Value)
		if qerr[qi] == "" {
			if w := p.fractionWarning(qi, en.ans[qi]); w != "" {
				warns = append(warns, InputError{Question: p.Questions[qi].ID, Message: w})
			}
		}
	}
	for i, msg := range qerr {
		if msg != "" {
			res.Errors = append(res.Errors, InputError{Question: p.Questions[i].ID, Message: msg})
		}
	}
	res.Errors = append(res.Errors, warns...)
	for _, id := range unknownIDs {
		res.Errors = append(res.Errors, InputError{Question: id, Message: "没有这个问题（" + id + "），该答案已忽略"})
	}

	// Pass 1: criteria, status and amount parts of each benefit.
	// Only the audience's benefits get a state (a state is large; most of
	// an evaluation's allocation when every benefit had one).
	n := 0
	for _, b := range p.Benefits {
		if in.Audience == "" || has(b.Audience, in.Audience) {
			n++
		}
	}
	sc.pool = grow(sc.pool, n)
	sc.all = grow(sc.all, len(p.Benefits))
	sc.states = grow(sc.states, n)[:0]
	pool := sc.pool
	all := sc.all // indexed like p.Benefits; nil = not in the result
	states := sc.states
	for i, b := range p.Benefits {
		if in.Audience != "" && !has(b.Audience, in.Audience) {
			continue
		}
		s := &pool[len(states)]
		en.benefit(s, b)
		all[i] = s
		states = append(states, s)
	}
	// Pass 2: exclusions between benefits that are both in the result.
	for _, x := range p.Exclusions {
		en.exclusion(x, all)
	}
	// Pass 3: amounts and texts.
	sc.asked = grow(sc.asked, len(p.Questions))
	asked := sc.asked
	res.Results = make([]BenefitResult, 0, len(states))
	for _, s := range states {
		r := en.finish(s)
		for _, e := range s.errs {
			res.Errors = append(res.Errors, InputError{Benefit: s.b.ID, Message: s.b.Name + "：" + e})
		}
		for _, qi := range s.missing {
			asked[qi] = true
		}
		res.Results = append(res.Results, r)
	}
	for i, q := range p.Questions {
		if asked[i] && (in.Audience == "" || has(q.Audience, in.Audience)) {
			res.Ask = append(res.Ask, q.ID)
		}
	}
	return res
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *Program) knownAudience(a string) bool {
	for _, q := range p.Questions {
		if has(q.Audience, a) {
			return true
		}
	}
	for _, b := range p.Benefits {
		if has(b.Audience, a) {
			return true
		}
	}
	return false
}

// state is a benefit between the passes.
type state struct {
	b        *Benefit
	base     string   // eligible / ineligible / possible, ignoring validity
	openMiss []string // labels of open-list criteria answered "no"
	criteria []CriterionResult
	critDeps []int
	// amount parts (valid when base != ineligible)
	amount, perPerson, persons, amin, amax, term, cap val
	// exclusion adjustment of persons (per_person form)
	minus     val    // persons taken out
	overlapQ  int    // question giving minus, when adjusted (else -1)
	minusText string // how, for the calculation
	plusText  string // note on the benefit that keeps the persons
	excl      []ExclusionRef
	errs      []string
	noParam   []int
	missing   []int
}

func (en *env) benefit(s *state, b *Benefit) {
	s.b = b
	en.errs, en.noParam = nil, nil
	// Kleene AND of the criteria: one false decides; otherwise an unknown
	// criterion leaves the benefit possible, depending on its questions.
	anyFalse, anyUnknown := false, false
	var deps []int
	for _, c := range b.Criteria {
		v := en.eval(c.Expr.Root)
		cr := CriterionResult{Label: c.Label, Cite: c.Cite, Anchor: c.Anchor, Open: c.Open}
		if v.known() {
			cr.Met = &no
			if v.b {
				cr.Met = &yes
			}
			switch {
			case !v.b && c.Open:
				// The document's list is open ("…等"): outside the named
				// groups is not a "no", only "not certain".
				s.openMiss = append(s.openMiss, c.Label)
			case !v.b:
				anyFalse = true
			}
		} else {
			anyUnknown = true
			deps = union(deps, v.deps)
		}
		s.criteria = append(s.criteria, cr)
	}
	switch {
	case anyFalse:
		s.base = Ineligible
	case len(s.openMiss) > 0 && !anyUnknown:
		s.base = Possible
	case anyUnknown:
		s.base, s.critDeps = Possible, deps
	default:
		s.base = Eligible
	}
	if s.base != Ineligible {
		ev := func(f *Formula) val {
			if f == nil {
				return val{}
			}
			return en.eval(f.Root)
		}
		s.amount, s.perPerson, s.persons = ev(b.Amount), ev(b.PerPerson), ev(b.Persons)
		s.amin, s.amax, s.term, s.cap = ev(b.AmountMin), ev(b.AmountMax), ev(b.TermMonths), ev(b.Cap)
	}
	s.minus, s.overlapQ = numVal(Int(0)), -1
	s.errs, s.noParam = en.errs, en.noParam
}

// exclusion applies one exclusion rule to the benefits in the result.
func (en *env) exclusion(x *Exclusion, all []*state) {
	var ss []*state
	for _, id := range x.Benefits {
		if s := all[en.p.benIdx[id]]; s != nil {
			ss = append(ss, s)
		}
	}
	for _, s := range ss {
		for _, o := range ss {
			if o != s {
				s.excl = append(s.excl, ExclusionRef{Label: x.Label, With: o.b.ID})
			}
		}
	}
	if x.Overlap == "" || len(ss) != 2 || ss[0].base == Ineligible || ss[1].base == Ineligible {
		return
	}
	a, b := ss[0], ss[1]
	qi := en.p.qIdx[x.Overlap]
	q := en.p.Questions[qi]
	k := en.ans[qi]
	if !a.perPerson.known() || !b.perPerson.known() {
		// Which one is higher is not known yet: both amounts wait for it.
		deps := unknown(a.perPerson.deps, b.perPerson.deps, k.deps)
		a.minus, b.minus = deps, deps
		return
	}
	high, low := a, b
	if b.perPerson.n.Cmp(a.perPerson.n) > 0 {
		high, low = b, a
	}
	if !k.known() {
		low.minus, low.overlapQ = k, qi
		return
	}
	for _, s := range ss {
		if s.persons.known() && k.n.Cmp(s.persons.n) > 0 {
			s.errs = append(s.errs, q.Name()+" "+k.n.Text()+q.Unit+" 超过了本项的人数 "+s.persons.n.Text()+q.Unit)
			low.minus = unknown()
			return
		}
	}
	if k.n.Sign() == 0 {
		return
	}
	low.minus, low.overlapQ = k, qi
	low.minusText = "其中" + k.n.Text() + q.Unit + "同时符合“" + high.b.Name + "”，按较高的" +
		high.perPerson.n.Text() + high.b.Unit + "/人计入该项，本项不重复计算"
	high.plusText = "其中" + k.n.Text() + q.Unit + "同时符合“" + low.b.Name + "”，按本项较高标准计算"
}
