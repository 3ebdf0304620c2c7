package calculator

import "strings"

// Program is a compiled set of calculator rules: what the generator checks,
// what /data/rules.json publishes and what the wasm evaluates.
type Program struct {
	Notice     string // shown with every result: an estimate, not an approval
	Questions  []*Question
	Params     []*Param
	Brackets   []*Bracket
	Benefits   []*Benefit
	Exclusions []*Exclusion
	Examples   []*Example
	// Parts are passages of a measure that carry their own validity but are
	// not calculated (e.g. a repayment extension stated in one sentence).
	Parts []*Part

	// Basis is the issue date of the document the rules rest on, and
	// BasisName its name. The rules say nothing about earlier dates: a date
	// before Basis is "undetermined", never "not yet in force". 0 = none.
	Basis     Date
	BasisName string
	Flow      *Flow // nil when the content declares no steps

	// Indexes built by Check.
	qIdx, pIdx, bIdx, benIdx map[string]int
	checked                  bool
	self                     [][]int // self[i] = []int{i}, set by Check
	safe                     bool    // every display text is safeText: results need no escaping
}

// Pos is where a node of the program came from: an opaque, cheap handle
// (like go/token.Pos) that whoever built the program turns into
// file:line:col when it prints a Problem. 0 means unknown (a program read
// from JSON has no positions).
type Pos int32

// DefaultNotice is used when the content gives no notice of its own.
const DefaultNotice = "本结果为根据您填写的信息作出的估算，非审批结果，实际能否享受及金额以主管部门审核为准。"

// Question types.
const (
	TypeBool   = "bool"
	TypeNumber = "number"
	TypeChoice = "choice"
)

// Question is one question of the calculator.
type Question struct {
	ID       string
	Audience []string
	Type     string // TypeBool, TypeNumber or TypeChoice
	Label    string // the question as asked
	Short    string // short name used in calculations ("见习人数"); "" = Label
	Help     string
	Unit     string
	Min, Max *Rat // inclusive bounds, nil = none
	Integer  bool
	Options  []Option
	Pos      Pos

	name string // Name(), cached by Check
}

// Option is one choice of a choice question.
type Option struct {
	Value string
	Label string
}

// Name is the short name of the question used in calculation texts.
func (q *Question) Name() string {
	if q.name != "" {
		return q.name
	}
	if q.Short != "" {
		return q.Short
	}
	return strings.TrimRight(q.Label, "？?")
}

// Param is a named amount, rate or threshold whose value may change over
// time: each value says from which date it applies.
type Param struct {
	ID      string // qualified: "<measure>.<id>", e.g. "m1.rate_large"
	Measure string
	Label   string
	Unit    string
	Values  []ParamValue // ordered by From, strictly increasing
	Pos     Pos
}

// ParamValue is one value of a param and the day it took effect.
type ParamValue struct {
	From   Date
	Value  Rat
	Cite   string
	Anchor string
	Pos    Pos
}

// At returns the value in effect on day, if any.
func (p *Param) At(day Date) (ParamValue, bool) {
	for i := len(p.Values) - 1; i >= 0; i-- {
		if p.Values[i].From <= day {
			return p.Values[i], true
		}
	}
	return ParamValue{}, false
}

// Bracket maps a number to a value by ranges, called like a function.
type Bracket struct {
	ID      string // qualified like Param.ID
	Measure string
	Label   string
	Unit    string
	Cite    string
	Anchor  string
	Rows    []Row // consecutive: each From equals the previous Below
	Pos     Pos
}

// Row is one range of a bracket: From inclusive, Below exclusive; nil = open.
type Row struct {
	From, Below *Rat
	Value       Rat
}

// Benefit kinds.
const (
	KindGrant   = "grant"
	KindLoan    = "loan"
	KindService = "service"
)

// Amount forms.
const (
	FormExact     = "exact"      // Amount
	FormPerPerson = "per_person" // PerPerson × Persons (shown as exact)
	FormUpTo      = "up_to"      // AmountMax
	FormRange     = "range"      // AmountMin – AmountMax
	FormLoan      = "loan"       // AmountMax, TermMonths
	FormNone      = "none"       // service: no money
	FormUnstated  = "unstated"   // money whose amount the document does not state
)

// Benefit is one thing a person or firm can get.
type Benefit struct {
	ID          string
	Measure     string
	Name        string
	Audience    []string
	Kind        string
	Fund        string
	Departments []string
	ValidFrom   Date // 0 = no start date
	ValidUntil  Date // 0 = never expires
	Form        string
	Amount      *Formula // FormExact
	PerPerson   *Formula // FormPerPerson
	Persons     *Formula // FormPerPerson
	AmountMin   *Formula // FormRange
	AmountMax   *Formula // FormUpTo, FormRange, FormLoan
	TermMonths  *Formula // FormLoan (optional)
	Cap         *Formula // optional upper limit for any form
	Unit        string
	Notes       []Note
	Criteria    []Criterion
	// Claim says how far the document's words entitle: "" (stated
	// conditions decide), ClaimApply (a competitive application: at most
	// 可申报) or ClaimOpen (the document grants it to "符合条件的" without
	// listing every condition: at most 可能符合). ClaimNote says why.
	Claim     string
	ClaimNote string
	// Validity: the words of the document that state ValidUntil (ValidFrom),
	// and whether they close one sentence or the whole measure.
	ValidScope      string // "" (no date), ScopeSentence or ScopeMeasure
	ValidCite       string
	ValidAnchor     string
	ValidFromCite   string
	ValidFromAnchor string
	Pos             Pos

	static                *staticJSON // set by Check
	validFrom, validUntil string      // dates as text, set by Check
}

// Claims (Benefit.Claim).
const (
	ClaimApply = "apply"
	ClaimOpen  = "open"
)

// Validity scopes (Benefit.ValidScope, Part.ValidScope).
const (
	ScopeSentence = "sentence"
	ScopeMeasure  = "measure"
)

// Part is a passage of a measure with its own validity.
type Part struct {
	Measure     string
	Name        string
	Cite        string // the words of the passage
	Anchor      string
	ValidUntil  Date
	ValidCite   string // the words stating ValidUntil
	ValidAnchor string
	ValidScope  string
}

// Formula is an expression with the source text it was compiled from.
type Formula struct {
	Src  string
	Root *Expr
}

// Criterion is one condition of a benefit.
type Criterion struct {
	Label  string
	Expr   *Formula
	Cite   string
	Anchor string
	// Open: the document's list ends in "等" (or is otherwise open), so not
	// meeting the listed alternatives gives 可能符合（以认定为准）, not 不符合.
	Open bool
	Pos  Pos
}

// Note is information shown with a result.
type Note struct {
	Text   string
	Cite   string
	Anchor string
}

// Exclusion says benefits cannot be taken together. With Overlap (a number
// question: persons counted under both) each such person goes to the benefit
// with the higher per-person amount and is taken out of the other.
type Exclusion struct {
	Benefits []string
	Overlap  string
	Label    string
	Cite     string
	Anchor   string
	Pos      Pos
}

// Example is a worked example from the content, run by check and tests.
type Example struct {
	Name     string
	File     string // content file it comes from
	Index    int    // index among that file's examples
	Date     Date
	Audience string
	Answers  Value // JSON object, as the page would send it
	Expect   []Expect
	Pos      Pos
}

// Expect is the expected result for one benefit. Nil fields are not checked.
type Expect struct {
	Benefit    string
	Status     string
	Amount     *Rat
	AmountMin  *Rat
	AmountMax  *Rat
	TermMonths *Rat
	Missing    []string // nil = not checked; empty = must be empty
	HasMissing bool
}

// Expression operators (Expr.Op).
const (
	OpQuestion = "q"       // Name = question id
	OpParam    = "p"       // Name = param id
	OpNum      = "num"     // Num
	OpStr      = "str"     // Name = string (a choice value)
	OpBool     = "bool"    // Bool
	OpBracket  = "bracket" // Name = bracket id, one argument
	OpNot      = "!"
	OpNeg      = "neg"
	OpIf       = "if"  // cond, then, else
	OpIn       = "in"  // x, "a", "b", ...
	OpMin      = "min" // two or more numbers
	OpMax      = "max"
)

// Expr is a node of an expression tree.
type Expr struct {
	Op   string
	Name string
	Num  Rat
	Bool bool
	Args []*Expr
	Pos  int // byte offset in Formula.Src (set by the compiler; not in JSON)
	idx  int // resolved index of the question, param or bracket
}

// Flow is how the page asks the questions (content/calculator/questions.toml):
// first what the reader wants to know (needs) and who they are, then small
// steps of questions. The engine does not use it; the generator renders it.
type Flow struct {
	Prepare []string // "开始前请准备": what to have at hand
	Needs   []Need
	Steps   []Step
}

// Need is one answer to "您想了解什么".
type Need struct {
	ID, Label, Hint string
	Audience        []string
	Measures        []string // the measures whose guide pages link here with this need
}

// Step is one page of questions on one topic.
type Step struct {
	ID, Title, Hint string
	Audience        []string
	Needs           []string // shown when one of these needs is chosen; empty = always
	Questions       []string
}
