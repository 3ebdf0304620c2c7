package match

import (
	"strconv"
	"unicode/utf8"

	"policyguide/calculator"
)

// rowBuf is a worker's scratch space.
type rowBuf struct {
	b  []byte
	sc calculator.Scratch // the engine's working memory, reused row after row
}

// amountCols lists the amount columns of a benefit in the CSV output.
func amountCols(b *calculator.Benefit) []string {
	unit := ""
	if b.Unit != "" {
		unit = "（" + b.Unit + "）"
	}
	switch b.Form {
	case calculator.FormExact, calculator.FormPerPerson:
		return []string{"金额" + unit}
	case calculator.FormUpTo:
		return []string{"最高金额" + unit}
	case calculator.FormLoan:
		if b.TermMonths != nil {
			return []string{"最高金额" + unit, "最长期限（月）"}
		}
		return []string{"最高金额" + unit}
	case calculator.FormRange:
		return []string{"最低金额" + unit, "最高金额" + unit}
	}
	return nil
}

func amountValues(b *calculator.Benefit, a calculator.AmountResult) []string {
	switch b.Form {
	case calculator.FormExact, calculator.FormPerPerson:
		return []string{a.Value}
	case calculator.FormUpTo:
		return []string{a.Max}
	case calculator.FormLoan:
		if b.TermMonths != nil {
			return []string{a.Max, a.TermMonths}
		}
		return []string{a.Max}
	case calculator.FormRange:
		return []string{a.Min, a.Max}
	}
	return nil
}

// benefitLabel is the benefit's name in the CSV header, with its id when
// two benefits of the audience share a name.
func (r *runner) benefitLabel(b *calculator.Benefit) string {
	for _, o := range r.benefits {
		if o != b && o.Name == b.Name {
			return b.Name + "（" + b.ID + "）"
		}
	}
	return b.Name
}

// CSV: one line per register row (so a register that fits in a
// spreadsheet gives an output that fits too).
func (r *runner) csvHeader(dst []byte) []byte {
	cols := []string{"行"}
	for _, c := range r.m.Keep {
		cols = append(cols, c.Name)
	}
	cols = append(cols, "参考日期", "规则版本", "错误")
	for _, b := range r.benefits {
		name := r.benefitLabel(b)
		cols = append(cols, name+"：状态")
		for _, a := range amountCols(b) {
			cols = append(cols, name+"："+a)
		}
		cols = append(cols, name+"：金额说明", name+"：说明")
		if r.opt.Explain {
			cols = append(cols, name+"：计算过程", name+"：条件")
		}
	}
	for i, c := range cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = csvField(dst, c, false)
	}
	return append(dst, '\r', '\n')
}

// csvField appends one field, quoted when needed. guard prefixes a text
// that a spreadsheet would run as a formula (=, +, -, @ at the start) with
// an apostrophe: register cells and error messages quote what others typed.
func csvField[T string | []byte](dst []byte, s T, guard bool) []byte {
	if guard && len(s) > 0 {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			if _, err := strconv.ParseFloat(string(s), 64); err != nil {
				return csvField(dst, "'"+string(s), false)
			}
		}
	}
	need := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			need = true
		}
	}
	if len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		need = true
	}
	if !need {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// format appends the output of one row.
func (r *runner) format(dst []byte, rec *record, res calculator.Result, errs []RowError, ok bool, buf *rowBuf) []byte {
	if r.opt.OutFormat == JSONL {
		return r.formatJSON(dst, rec, res, errs, ok, buf)
	}
	dst = strconv.AppendInt(dst, int64(rec.line), 10)
	for i := range r.m.Keep {
		dst = append(dst, ',')
		dst = csvField(dst, r.keepText(rec, &r.m.Keep[i]), true)
	}
	dst = append(dst, ',')
	dst = append(dst, r.date...)
	dst = append(dst, ',')
	dst = append(dst, r.hash...)
	dst = append(dst, ',')
	b := buf.b[:0]
	for i, e := range errs {
		if i > 0 {
			b = append(b, "；"...)
		}
		b = append(b, e.Text()...)
	}
	buf.b = b
	dst = csvField(dst, b, true)
	for k, ben := range r.benefits {
		var br *calculator.BenefitResult
		if ok {
			if j := r.resultIndex(res, k, ben.ID); j >= 0 {
				br = &res.Results[j]
			}
		}
		n := 3 + len(amountCols(ben))
		if r.opt.Explain {
			n += 2
		}
		if br == nil {
			for range n {
				dst = append(dst, ',')
			}
			continue
		}
		dst = append(dst, ',')
		dst = append(dst, calculator.StatusLabel(br.Status)...)
		for _, v := range amountValues(ben, br.Amount) {
			dst = append(dst, ',')
			dst = append(dst, v...)
		}
		dst = append(dst, ',')
		dst = csvField(dst, amountText(br), false)
		dst = append(dst, ',')
		buf.b = r.detail(buf.b[:0], br)
		dst = csvField(dst, buf.b, false)
		if r.opt.Explain {
			dst = append(dst, ',')
			dst = csvField(dst, br.Calculation, false)
			dst = append(dst, ',')
			b := buf.b[:0]
			for i, c := range br.Criteria {
				if i > 0 {
					b = append(b, "；"...)
				}
				b = append(b, metMark(c.Met)...)
				b = append(b, c.Label...)
			}
			buf.b = b
			dst = csvField(dst, b, false)
		}
	}
	return append(dst, '\r', '\n')
}

func amountText(br *calculator.BenefitResult) string {
	if br.Status == calculator.Ineligible {
		return ""
	}
	return br.Amount.Text
}

func metMark(m *bool) string {
	switch {
	case m == nil:
		return "？"
	case *m:
		return "✓"
	}
	return "✗"
}

// detail explains a status in a sentence: the deciding questions of a
// 可能符合 (or of an amount not yet known), the unmet conditions of a
// 不符合, the validity of 已到期 and 未生效.
func (r *runner) detail(b []byte, br *calculator.BenefitResult) []byte {
	sep := func() {
		if len(b) > 0 {
			b = append(b, "；"...)
		}
	}
	if br.Expiry != "" {
		b = append(b, br.Expiry...)
		if br.StatusIfValid != "" {
			b = append(b, "，有效期内"...)
			b = append(b, calculator.StatusLabel(br.StatusIfValid)...)
		}
	}
	if br.Status == calculator.Ineligible || br.StatusIfValid == calculator.Ineligible {
		first := true
		for _, c := range br.Criteria {
			if c.Met != nil && !*c.Met {
				if first {
					sep()
					b = append(b, "不满足："...)
					first = false
				} else {
					b = append(b, "、"...)
				}
				b = append(b, c.Label...)
			}
		}
		return b
	}
	for i, q := range br.Missing {
		if i == 0 {
			sep()
			b = append(b, "取决于："...)
		} else {
			b = append(b, "、"...)
		}
		b = append(b, r.names[q.ID]...)
	}
	return b
}

func (r *runner) resultIndex(res calculator.Result, k int, id string) int {
	if k < len(res.Results) && res.Results[k].Benefit == id {
		return k
	}
	for j := range res.Results {
		if res.Results[j].Benefit == id {
			return j
		}
	}
	return -1
}

// JSON Lines: one object per register row.
func (r *runner) formatJSON(dst []byte, rec *record, res calculator.Result, errs []RowError, ok bool, _ *rowBuf) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendInt(dst, int64(rec.line), 10)
	if len(r.m.Keep) > 0 {
		dst = append(dst, `,"keep":{`...)
		for i := range r.m.Keep {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jstr(dst, r.m.Keep[i].Name)
			dst = append(dst, ':')
			dst = jstr(dst, r.keepText(rec, &r.m.Keep[i]))
		}
		dst = append(dst, '}')
	}
	dst = append(dst, `,"date":"`...)
	dst = append(dst, r.date...)
	dst = append(dst, `","rules":"`...)
	dst = append(dst, r.hash...)
	dst = append(dst, `","evaluated":`...)
	dst = strconv.AppendBool(dst, ok)
	dst = append(dst, `,"errors":[`...)
	for i, e := range errs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"line":`...)
		dst = strconv.AppendInt(dst, int64(e.Line), 10)
		if e.Column != "" {
			dst = append(dst, `,"column":`...)
			dst = jstr(dst, e.Column)
		}
		if e.Question != "" {
			dst = append(dst, `,"question":`...)
			dst = jstr(dst, e.Question)
		}
		dst = append(dst, `,"message":`...)
		dst = jstr(dst, e.Message)
		dst = append(dst, '}')
	}
	dst = append(dst, `],"results":[`...)
	for i := range res.Results {
		br := &res.Results[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"benefit":`...)
		dst = jstr(dst, br.Benefit)
		dst = append(dst, `,"name":`...)
		dst = jstr(dst, br.Name)
		dst = append(dst, `,"status":"`...)
		dst = append(dst, br.Status...)
		dst = append(dst, `","status_label":`...)
		dst = jstr(dst, calculator.StatusLabel(br.Status))
		if br.StatusIfValid != "" {
			dst = append(dst, `,"status_if_valid":"`...)
			dst = append(dst, br.StatusIfValid...)
			dst = append(dst, '"')
		}
		a := br.Amount
		dst = append(dst, `,"amount":{"form":"`...)
		dst = append(dst, a.Form...)
		dst = append(dst, '"')
		if br.Status != calculator.Ineligible {
			for _, kv := range [...][2]string{{"value", a.Value}, {"min", a.Min}, {"max", a.Max}, {"term_months", a.TermMonths}, {"text", a.Text}} {
				if kv[1] != "" {
					dst = append(dst, ',', '"')
					dst = append(dst, kv[0]...)
					dst = append(dst, '"', ':')
					dst = jstr(dst, kv[1])
				}
			}
		}
		dst = append(dst, `},"deciding":[`...)
		if br.Status != calculator.Ineligible {
			for j, q := range br.Missing {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"question":`...)
				dst = jstr(dst, q.ID)
				dst = append(dst, `,"name":`...)
				dst = jstr(dst, r.names[q.ID])
				dst = append(dst, '}')
			}
		}
		dst = append(dst, `],"reason":[`...)
		first := true
		for _, c := range br.Criteria {
			if c.Met != nil && !*c.Met {
				if !first {
					dst = append(dst, ',')
				}
				first = false
				dst = jstr(dst, c.Label)
			}
		}
		dst = append(dst, ']')
		if br.Expiry != "" {
			dst = append(dst, `,"expiry":`...)
			dst = jstr(dst, br.Expiry)
		}
		if r.opt.Explain {
			dst = append(dst, `,"calculation":`...)
			dst = jstr(dst, br.Calculation)
			dst = append(dst, `,"criteria":[`...)
			for j, c := range br.Criteria {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"label":`...)
				dst = jstr(dst, c.Label)
				dst = append(dst, `,"met":`...)
				switch {
				case c.Met == nil:
					dst = append(dst, "null"...)
				default:
					dst = strconv.AppendBool(dst, *c.Met)
				}
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	return append(dst, "]}\n"...)
}

// jstr appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func jstr(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				dst = append(dst, `\ufffd`...)
			case r == '\u2028' || r == '\u2029':
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&15])
			default:
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c < 0x20 || c == 0x7F:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}
