package compile

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"

	"policyguide/calculator"
)

// Expressions use Go syntax, parsed by go/parser here in the generator so
// the wasm carries only the small evaluator. `if(c, a, b)` is not a Go
// expression (if is a keyword), so the scanner first renames those tokens
// to a same-length placeholder; offsets in errors stay right.

// exprError is an error at a byte offset of the expression text.
type exprError struct {
	off int
	msg string
}

// scope resolves a bare name (or measure.name) for one rule file.
type scope interface {
	// lookup returns OpQuestion/OpParam/OpBracket and the program id.
	lookup(measure, name string) (op, id string, ok bool)
}

const ifPlaceholder = "_f" // same length as "if"; user identifiers may not start with '_'

// parseExpr parses src into a tree. It returns every error it finds.
func parseExpr(src string, sc scope) (*calculator.Expr, []exprError) {
	if len(src) > 4000 {
		return nil, []exprError{{0, "表达式过长"}}
	}
	b := []byte(src)
	ifs := map[int]bool{}
	var s scanner.Scanner
	fset := token.NewFileSet()
	tf := fset.AddFile("", fset.Base(), len(b))
	s.Init(tf, b, nil, 0)
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.IF {
			off := tf.Offset(pos)
			copy(b[off:], ifPlaceholder)
			ifs[off] = true
		}
	}
	fset = token.NewFileSet()
	x, err := parser.ParseExprFrom(fset, "", b, 0)
	if err != nil {
		var out []exprError
		if list, ok := err.(scanner.ErrorList); ok {
			for _, e := range list {
				out = append(out, exprError{e.Pos.Offset, "表达式语法错误：" + goMsg(e.Msg)})
			}
		} else {
			out = append(out, exprError{0, "表达式语法错误：" + err.Error()})
		}
		return nil, out
	}
	c := &conv{fset: fset, sc: sc, ifs: ifs}
	e := c.expr(x)
	return e, c.errs
}

// goMsg translates the most common go/parser messages.
func goMsg(m string) string {
	switch {
	case m == "expected operand":
		return "缺少运算对象"
	case m == "expected ')'", m == "expected ')', found newline":
		return "缺少右括号 )"
	case len(m) > 9 && m[:9] == "expected ":
		return "此处应为 " + m[9:]
	}
	return m
}

type conv struct {
	fset *token.FileSet
	sc   scope
	ifs  map[int]bool
	errs []exprError
}

func (c *conv) off(n ast.Node) int { return c.fset.Position(n.Pos()).Offset }

func (c *conv) fail(n ast.Node, msg string) *calculator.Expr {
	c.errs = append(c.errs, exprError{c.off(n), msg})
	return nil
}

var binOps = map[token.Token]string{
	token.LAND: "&&", token.LOR: "||", token.EQL: "==", token.NEQ: "!=",
	token.LSS: "<", token.LEQ: "<=", token.GTR: ">", token.GEQ: ">=",
	token.ADD: "+", token.SUB: "-", token.MUL: "*", token.QUO: "/",
}

func (c *conv) expr(n ast.Expr) *calculator.Expr {
	switch x := n.(type) {
	case *ast.ParenExpr:
		return c.expr(x.X)
	case *ast.BasicLit:
		return c.lit(x, false)
	case *ast.Ident:
		switch x.Name {
		case "true", "false":
			return &calculator.Expr{Op: calculator.OpBool, Bool: x.Name == "true", Pos: c.off(x)}
		}
		return c.name(x, "", x.Name, false)
	case *ast.SelectorExpr:
		m, ok := x.X.(*ast.Ident)
		if !ok {
			return c.fail(x, "不支持的写法：只能用 措施.参数 引用其他措施的参数")
		}
		return c.name(x, m.Name, x.Sel.Name, false)
	case *ast.UnaryExpr:
		switch x.Op {
		case token.NOT:
			return c.unary(x, calculator.OpNot)
		case token.SUB:
			if lit, ok := x.X.(*ast.BasicLit); ok { // fold -5 into a literal
				return c.lit(lit, true)
			}
			return c.unary(x, calculator.OpNeg)
		case token.ADD:
			return c.expr(x.X)
		}
		return c.fail(x, "不支持的运算符 "+x.Op.String())
	case *ast.BinaryExpr:
		op, ok := binOps[x.Op]
		if !ok {
			return c.fail(x, "不支持的运算符 "+x.Op.String()+"（可用：&& || ! == != < <= > >= + - * /）")
		}
		a, b := c.expr(x.X), c.expr(x.Y)
		if a == nil || b == nil {
			return nil
		}
		return &calculator.Expr{Op: op, Args: []*calculator.Expr{a, b}, Pos: c.fset.Position(x.OpPos).Offset}
	case *ast.CallExpr:
		return c.call(x)
	}
	return c.fail(n, "不支持的写法（表达式只能使用问题、参数、数字、\"选项\"、运算符和 min、max、if、in、分档表）")
}

func (c *conv) unary(x *ast.UnaryExpr, op string) *calculator.Expr {
	a := c.expr(x.X)
	if a == nil {
		return nil
	}
	return &calculator.Expr{Op: op, Args: []*calculator.Expr{a}, Pos: c.off(x)}
}

func (c *conv) lit(x *ast.BasicLit, neg bool) *calculator.Expr {
	pos := c.off(x)
	switch x.Kind {
	case token.INT, token.FLOAT:
		s := x.Value
		if len(s) > 1 && s[0] == '0' && s[1] != '.' {
			return c.fail(x, "数字 "+s+" 不能以0开头（也不支持十六进制等写法）")
		}
		r, err := calculator.ParseNumber(s)
		if err != nil {
			return c.fail(x, "数字 "+s+" "+err.Error()+"（请写成 30、5.5 这样的十进制数，不要用 _ 分隔）")
		}
		if neg {
			r = r.Neg()
			pos--
		}
		return &calculator.Expr{Op: calculator.OpNum, Num: r, Pos: pos}
	case token.STRING:
		if neg {
			return c.fail(x, "字符串前不能加负号")
		}
		s, err := strconv.Unquote(x.Value)
		if err != nil {
			return c.fail(x, "字符串写法不正确")
		}
		return &calculator.Expr{Op: calculator.OpStr, Name: s, Pos: pos}
	}
	return c.fail(x, "不支持的字面量 "+x.Value+"（选项值请用双引号）")
}

// name resolves an identifier; call is true for name(...).
func (c *conv) name(n ast.Node, measure, name string, call bool) *calculator.Expr {
	op, id, ok := c.sc.lookup(measure, name)
	full := name
	if measure != "" {
		full = measure + "." + name
	}
	switch {
	case !ok:
		return c.fail(n, "未声明的标识符 "+full+"（不是已声明的问题、参数或分档表）")
	case op == calculator.OpBracket && !call:
		return c.fail(n, "分档表 "+full+" 要像函数一样使用，如 "+full+"(x)")
	case op != calculator.OpBracket && call:
		return c.fail(n, full+" 不是分档表，不能调用")
	}
	return &calculator.Expr{Op: op, Name: id, Pos: c.off(n)}
}

func (c *conv) call(x *ast.CallExpr) *calculator.Expr {
	if x.Ellipsis.IsValid() {
		return c.fail(x, "不支持 ...")
	}
	var head *calculator.Expr
	switch f := x.Fun.(type) {
	case *ast.Ident:
		switch {
		case f.Name == ifPlaceholder && c.ifs[c.off(f)]:
			head = &calculator.Expr{Op: calculator.OpIf}
		case f.Name == "min" || f.Name == "max" || f.Name == "in":
			head = &calculator.Expr{Op: f.Name}
		default:
			head = c.name(f, "", f.Name, true)
		}
	case *ast.SelectorExpr:
		m, ok := f.X.(*ast.Ident)
		if !ok {
			return c.fail(x, "不支持的调用")
		}
		head = c.name(f, m.Name, f.Sel.Name, true)
	default:
		return c.fail(x, "不支持的调用")
	}
	if head == nil {
		return nil
	}
	head.Pos = c.off(x)
	ok := true
	for _, a := range x.Args {
		e := c.expr(a)
		ok = ok && e != nil
		head.Args = append(head.Args, e)
	}
	if !ok {
		return nil
	}
	want := map[string][2]int{calculator.OpIf: {3, 3}, "min": {2, 99}, "max": {2, 99}, "in": {2, 99}, calculator.OpBracket: {1, 1}}[head.Op]
	if n := len(head.Args); n < want[0] || n > want[1] {
		msg := map[string]string{
			calculator.OpIf:      "if 需要三个参数：if(条件, 是时的值, 否时的值)",
			"min":                "min 至少需要两个参数",
			"max":                "max 至少需要两个参数",
			"in":                 "in 需要一个选择题和至少一个选项：in(x, \"a\", \"b\")",
			calculator.OpBracket: "分档表只接受一个参数",
		}[head.Op]
		return c.fail(x, msg)
	}
	return head
}
