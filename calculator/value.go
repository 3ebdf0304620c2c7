package calculator

// val is the value of an expression under three-valued logic. An unknown
// value carries the questions whose answers would decide it (deps), so a
// result can say exactly what it depends on.
type val struct {
	t    int // tBool, tNum, tStr (choice answers and string literals), or tBad = unknown
	b    bool
	n    Rat
	s    string
	deps []int // unknown only: indexes of the undecided questions, ascending
}

func (v val) known() bool { return v.t != tBad }

func unknown(deps ...[]int) val {
	var out []int
	for _, d := range deps {
		out = union(out, d)
	}
	return val{deps: out}
}

func boolVal(b bool) val { return val{t: tBool, b: b} }
func numVal(n Rat) val   { return val{t: tNum, n: n} }

// union merges two ascending index lists.
func union(a, b []int) []int {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// eval evaluates e. Unknown propagates; false && x = false and
// true || x = true whatever x is (Kleene logic).
func (en *env) eval(e *Expr) val {
	switch e.Op {
	case OpQuestion:
		return en.ans[e.idx]
	case OpParam:
		x := en.p.Params[e.idx]
		pv, ok := x.At(en.day)
		if !ok {
			en.noParam = append(en.noParam, e.idx)
			return unknown()
		}
		return numVal(pv.Value)
	case OpNum:
		return numVal(e.Num)
	case OpStr:
		return val{t: tStr, s: e.Name}
	case OpBool:
		return boolVal(e.Bool)
	case OpBracket:
		a := en.eval(e.Args[0])
		if !a.known() {
			return a
		}
		if r, ok := en.row(e, a.n); ok {
			return numVal(r.Value)
		}
		b := en.p.Brackets[e.idx]
		en.fail(b.Label + "：" + a.n.Text() + " 不在分档表的范围内")
		return unknown()
	case OpNot:
		a := en.eval(e.Args[0])
		if !a.known() {
			return a
		}
		return boolVal(!a.b)
	case OpNeg:
		a := en.eval(e.Args[0])
		if !a.known() {
			return a
		}
		return numVal(a.n.Neg())
	case "&&", "||":
		// The deciding value: false for &&, true for ||.
		decide := e.Op == "||"
		a := en.eval(e.Args[0])
		if a.known() && a.b == decide {
			return a
		}
		b := en.eval(e.Args[1])
		if b.known() && b.b == decide {
			return b
		}
		if a.known() && b.known() {
			return boolVal(!decide)
		}
		return unknown(a.deps, b.deps)
	case OpIf:
		c := en.eval(e.Args[0])
		if c.known() {
			if c.b {
				return en.eval(e.Args[1])
			}
			return en.eval(e.Args[2])
		}
		a, b := en.eval(e.Args[1]), en.eval(e.Args[2])
		if a.known() && b.known() && same(a, b) {
			return a
		}
		return unknown(c.deps, a.deps, b.deps)
	case OpIn:
		x := en.eval(e.Args[0])
		if !x.known() {
			return x
		}
		for _, a := range e.Args[1:] {
			if a.Name == x.s {
				return boolVal(true)
			}
		}
		return boolVal(false)
	case OpMin, OpMax:
		var deps [][]int
		var best Rat
		have := false
		for _, a := range e.Args {
			v := en.eval(a)
			if !v.known() {
				deps = append(deps, v.deps)
				continue
			}
			if c := v.n.Cmp(best); !have || e.Op == OpMin && c < 0 || e.Op == OpMax && c > 0 {
				best, have = v.n, true
			}
		}
		if deps != nil {
			return unknown(deps...)
		}
		return numVal(best)
	}
	// Binary operators on two known operands.
	a, b := en.eval(e.Args[0]), en.eval(e.Args[1])
	if !a.known() || !b.known() {
		return unknown(a.deps, b.deps)
	}
	var r Rat
	var err error
	switch e.Op {
	case "==":
		return boolVal(same(a, b))
	case "!=":
		return boolVal(!same(a, b))
	case "<":
		return boolVal(a.n.Cmp(b.n) < 0)
	case "<=":
		return boolVal(a.n.Cmp(b.n) <= 0)
	case ">":
		return boolVal(a.n.Cmp(b.n) > 0)
	case ">=":
		return boolVal(a.n.Cmp(b.n) >= 0)
	case "+":
		r, err = a.n.Add(b.n)
	case "-":
		r, err = a.n.Sub(b.n)
	case "*":
		r, err = a.n.Mul(b.n)
	case "/":
		r, err = a.n.Div(b.n)
	default:
		en.fail("未知的运算 " + e.Op)
		return unknown()
	}
	if err != nil {
		en.fail(err.Error())
		return unknown()
	}
	return numVal(r)
}

func same(a, b val) bool {
	return a.t == b.t && a.b == b.b && a.s == b.s && a.n == b.n
}

// row finds the bracket row containing x.
func (en *env) row(e *Expr, x Rat) (Row, bool) {
	for _, r := range en.p.Brackets[e.idx].Rows {
		if (r.From == nil || x.Cmp(*r.From) >= 0) && (r.Below == nil || x.Cmp(*r.Below) < 0) {
			return r, true
		}
	}
	return Row{}, false
}
