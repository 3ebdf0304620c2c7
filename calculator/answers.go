package calculator

import (
	"strings"
	"unicode/utf8"
)

// answer validates one answer. A bad answer is treated as unknown and
// explained; it is never replaced by a default.
func (p *Program) answer(qi int, v Value) (val, string) {
	q := p.Questions[qi]
	dontKnow := val{deps: p.self[qi]} // shared, read-only (see Check)
	if v.Kind == Null || v.Kind == String && (v.Text == "unknown" || strings.TrimSpace(v.Text) == "") {
		return dontKnow, ""
	}
	switch q.Type {
	case TypeBool:
		switch {
		case v.Kind == Bool:
			return boolVal(v.Bool), ""
		case v.Kind == String && v.Text == "true":
			return boolVal(true), ""
		case v.Kind == String && v.Text == "false":
			return boolVal(false), ""
		}
		return dontKnow, "请选择“是”“否”或“不确定”"
	case TypeChoice:
		if v.Kind == String {
			for _, o := range q.Options {
				if o.Value == v.Text {
					return val{t: tStr, s: v.Text}, ""
				}
			}
		}
		var labels []string
		for _, o := range q.Options {
			labels = append(labels, o.Label)
		}
		return dontKnow, quoteInput(v) + "不是可选的答案，请从以下选项中选择：" + strings.Join(labels, "、")
	case TypeNumber:
		if v.Kind != Number && v.Kind != String {
			return dontKnow, "请输入数字"
		}
		n, err := ParseAmount(v.Text, q.Unit)
		if err == ErrOverflow {
			return dontKnow, quoteInput(v) + "数值过大，请检查输入"
		}
		if err != nil {
			return dontKnow, quoteInput(v) + "不是有效的数字，请输入数字，如 25、5.5、30,000 或 3万"
		}
		switch {
		case q.Integer && !n.IsInt():
			return dontKnow, quoteInput(v) + "不是整数，" + q.rangeText()
		case q.Min != nil && n.Cmp(*q.Min) < 0 && n.Sign() < 0 && q.Min.Sign() >= 0:
			return dontKnow, "不能为负数，" + q.rangeText()
		case q.Min != nil && n.Cmp(*q.Min) < 0:
			return dontKnow, "不能小于" + q.Min.Text() + q.Unit + "，" + q.rangeText()
		case q.Max != nil && n.Cmp(*q.Max) > 0:
			return dontKnow, "不能大于" + q.Max.Text() + q.Unit + "，" + q.rangeText()
		}
		return numVal(n), ""
	}
	return dontKnow, "无法识别的问题类型"
}

// rangeText says what a number question accepts: "请输入不小于0的整数".
func (q *Question) rangeText() string {
	s := "请输入"
	switch {
	case q.Min != nil && q.Max != nil:
		s += q.Min.Text() + "到" + q.Max.Text() + "之间的"
	case q.Min != nil:
		s += "不小于" + q.Min.Text() + "的"
	case q.Max != nil:
		s += "不大于" + q.Max.Text() + "的"
	}
	if q.Integer {
		s += "整数"
	} else {
		s += "数"
	}
	if q.Unit != "" {
		s += "（单位：" + q.Unit + "）"
	}
	return s
}

// quoteInput echoes (a short prefix of) what the user typed.
func quoteInput(v Value) string {
	s := v.Text
	if v.Kind != String && v.Kind != Number {
		s = string(v.JSON())
	}
	if utf8.RuneCountInString(s) > 20 {
		r := []rune(s)
		s = string(r[:20]) + "…"
	}
	return "“" + s + "”"
}

// fractionWarning warns when a percentage question is answered with a number
// strictly between 0 and 1 ("0.6" meant as 60%): the answer is used as given
// (0.6%), but the user is told, naming the question, instead of silently
// falling into the lowest band.
func (p *Program) fractionWarning(qi int, v val) string {
	q := p.Questions[qi]
	if q.Type != TypeNumber || v.t != tNum || (q.Unit != "%" && q.Unit != "％") {
		return ""
	}
	if v.n.Sign() <= 0 || v.n.Cmp(Int(1)) >= 0 {
		return ""
	}
	name := q.Short
	if name == "" {
		name = q.Label
	}
	pct, err := v.n.Mul(Int(100))
	if err != nil {
		return ""
	}
	return "注意：“" + name + "”按百分比填写，已按" + v.n.Text() + "%计算；如果您的意思是" + pct.Text() + "%，请填写" + pct.Text()
}
