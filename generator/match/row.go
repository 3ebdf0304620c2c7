package match

import (
	"strings"

	"policyguide/calculator"
)

// cell converts one cell of the register into an answer as the page would
// send it. ok is false when the cell is empty (不确定). msg is set when the
// conversion itself failed (the calculator reports every other invalid
// answer, with the same words as on the page).
func (c *Column) cell(v calculator.Value) (out calculator.Value, ok bool, msg string) {
	var text string
	switch v.Kind {
	case calculator.Null:
		return v, false, ""
	case calculator.Bool:
		if c.Question.Type == calculator.TypeBool {
			return v, true, ""
		}
		text = "false"
		if v.Bool {
			text = "true"
		}
	case calculator.String, calculator.Number:
		text = strings.TrimSpace(v.Text)
	default:
		return calculator.Str(string(v.JSON())), true, ""
	}
	if text == "" {
		return v, false, ""
	}
	if c.values != nil {
		if mv, found := c.values[text]; found {
			return mv, true, ""
		}
	}
	if text == "不确定" || text == "unknown" {
		return calculator.Str("unknown"), true, ""
	}
	switch c.Question.Type {
	case calculator.TypeBool:
		switch {
		case text == "是" || strings.EqualFold(text, "true"):
			return calculator.Bol(true), true, ""
		case text == "否" || strings.EqualFold(text, "false"):
			return calculator.Bol(false), true, ""
		}
	case calculator.TypeChoice:
		if val, found := c.labels[text]; found {
			return calculator.Str(val), true, ""
		}
	case calculator.TypeNumber:
		if c.scale != nil {
			n, err := calculator.ParseNumber(text)
			if err != nil {
				break // the calculator explains what a number looks like
			}
			n, err = n.Mul(*c.scale)
			if err != nil {
				return v, false, "“" + text + "”换算单位后数值过大，请检查输入"
			}
			return calculator.Value{Kind: calculator.Number, Text: n.String()}, true, ""
		}
		return calculator.Value{Kind: calculator.Number, Text: text}, true, ""
	}
	return calculator.Str(text), true, ""
}
