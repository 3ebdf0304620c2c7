package compile

import (
	"strings"

	"policyguide/calculator"
)

// Validity belongs to the words that state it. A date is written once:
//
//   - in a benefit (valid_until + valid_cite) when the clause closes one
//     sentence: the cite must contain the date and be in the same sentence
//     (between two 。) as the benefit's amount cite (or, for a benefit
//     without amount, one of its criteria or notes);
//   - in a [[parts]] entry for a passage that is not calculated (name, cite,
//     valid_until, valid_cite): same rule against the part's cite;
//   - in the file's [validity] table (until, cite, covers = "measure") when
//     the content says explicitly that the clause covers the whole measure:
//     every benefit of the file takes that date, and none may state its own.
//
// A valid_from needs valid_from_cite containing its date: no start date is
// invented (a document that says "继续实施" names none).

// wholeValidity is a file's [validity] table.
type wholeValidity struct {
	until        calculator.Date
	cite, anchor string
}

func (c *compiler) measureValidity(root *tbl, measure string) *wholeValidity {
	vt := root.table("validity", false)
	if vt == nil {
		return nil
	}
	w := &wholeValidity{until: vt.date("until", true)}
	w.cite, w.anchor = c.cite(vt, "cite", true)
	switch cov := vt.str("covers", true); cov {
	case "measure":
	case "":
	default:
		vt.errAt(vt.keyPath("covers"), "covers 只能是 \"measure\"（期限覆盖整条措施）；只覆盖一句话的期限请写在该福利的 valid_until / valid_cite 中")
	}
	c.dateInCite(vt, "cite", w.cite, w.until)
	c.inMeasureParagraph(vt, "cite", w.cite, measure)
	vt.done()
	return w
}

func (c *compiler) benefitValidity(t *tbl, b *calculator.Benefit, measure string, whole *wholeValidity) {
	if b.ValidFrom != 0 {
		b.ValidFromCite, b.ValidFromAnchor = c.cite(t, "valid_from_cite", false)
		if b.ValidFromCite == "" {
			t.errAt(t.keyPath("valid_from"), "valid_from 需要 valid_from_cite：原文写明起始日期的原话（文件没有写起始日期时不要填 valid_from）")
		}
		c.dateInCite(t, "valid_from_cite", b.ValidFromCite, b.ValidFrom)
	} else if _, ok := t.m["valid_from_cite"]; ok {
		t.str("valid_from_cite", false)
		t.errAt(t.keyPath("valid_from_cite"), "valid_from_cite 只与 valid_from 一起使用")
	}
	_, hasCite := t.m["valid_cite"]
	switch {
	case b.ValidUntil != 0 && whole != nil:
		t.str("valid_cite", false)
		t.errAt(t.keyPath("valid_until"), "本文件的 [validity] 已写明整条措施的期限：截止日期只写一次")
	case b.ValidUntil != 0:
		b.ValidScope = calculator.ScopeSentence
		b.ValidCite, b.ValidAnchor = c.cite(t, "valid_cite", false)
		if b.ValidCite == "" {
			t.errAt(t.keyPath("valid_until"), "valid_until 需要 valid_cite：原文写明这个日期的原话，且与本项金额的原话在同一句中")
			return
		}
		c.dateInCite(t, "valid_cite", b.ValidCite, b.ValidUntil)
		c.inMeasureParagraph(t, "valid_cite", b.ValidCite, measure)
		c.validities = append(c.validities, validity{t: t, key: "valid_cite", measure: measure, cite: b.ValidCite, benefit: b})
	case hasCite:
		t.str("valid_cite", false)
		t.errAt(t.keyPath("valid_cite"), "valid_cite 只与 valid_until 一起使用")
	case whole != nil:
		b.ValidUntil, b.ValidScope, b.ValidCite, b.ValidAnchor = whole.until, calculator.ScopeMeasure, whole.cite, whole.anchor
	}
}

func (c *compiler) part(t *tbl, measure string) {
	x := &calculator.Part{Measure: measure, Name: t.str("name", true), ValidUntil: t.date("valid_until", true),
		ValidScope: calculator.ScopeSentence}
	x.Cite, x.Anchor = c.cite(t, "cite", true)
	x.ValidCite, x.ValidAnchor = c.cite(t, "valid_cite", true)
	c.dateInCite(t, "valid_cite", x.ValidCite, x.ValidUntil)
	c.inMeasureParagraph(t, "valid_cite", x.ValidCite, measure)
	if x.Cite != "" && x.ValidCite != "" {
		c.validities = append(c.validities, validity{t: t, key: "valid_cite", measure: measure, cite: x.ValidCite, part: x})
	}
	t.done()
	c.p.Parts = append(c.p.Parts, x)
}

// dateInCite checks that the cited words state the date.
func (c *compiler) dateInCite(t *tbl, key, cite string, d calculator.Date) {
	if cite == "" || d == 0 {
		return
	}
	if !strings.Contains(Normalize(cite), d.Chinese()) {
		t.errAt(t.keyPath(key), "引文没有写明日期 %s：期限必须引用写明该日期的原话（如“政策实施期限截至%s”）", d.Chinese(), d.Chinese())
	}
}

// inMeasureParagraph checks that a validity cite is in the measure's own
// paragraph: the same words in another measure's paragraph say nothing
// about this one.
func (c *compiler) inMeasureParagraph(t *tbl, key, cite, measure string) {
	if cite == "" || c.src.Paragraph == nil {
		return
	}
	anchor, text, ok := c.src.Paragraph(measure)
	if ok && !strings.Contains(Normalize(text), Normalize(cite)) {
		t.errAt(t.keyPath(key), "引文不在措施 %s 自己的段落（%s）中", measure, anchor)
	}
}

// sentences returns the sentences (normalized, split at 。 and at line
// ends) of the measure's paragraph, or of the whole source.
func (c *compiler) sentences(measure string) []string {
	text := string(c.src.Source)
	if c.src.Paragraph != nil {
		if _, t, ok := c.src.Paragraph(measure); ok {
			text = t
		}
	}
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, s := range strings.Split(Normalize(line), "。") {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// amountCites are the words a benefit's amount rests on: the cites of the
// params and brackets its amount formulas use; for a benefit without an
// amount, its criteria and notes.
func (c *compiler) amountCites(b *calculator.Benefit) []string {
	params := map[string]*calculator.Param{}
	for _, x := range c.p.Params {
		params[x.ID] = x
	}
	brackets := map[string]*calculator.Bracket{}
	for _, x := range c.p.Brackets {
		brackets[x.ID] = x
	}
	var out []string
	for _, f := range []*calculator.Formula{b.Amount, b.PerPerson, b.AmountMin, b.AmountMax, b.TermMonths, b.Cap} {
		if f == nil {
			continue
		}
		walk(f.Root, func(e *calculator.Expr) {
			switch e.Op {
			case calculator.OpParam:
				if x := params[e.Name]; x != nil {
					for _, v := range x.Values {
						out = append(out, v.Cite)
					}
				}
			case calculator.OpBracket:
				if x := brackets[e.Name]; x != nil {
					out = append(out, x.Cite)
				}
			}
		})
	}
	if len(out) == 0 {
		for _, cr := range b.Criteria {
			out = append(out, cr.Cite)
		}
		for _, n := range b.Notes {
			out = append(out, n.Cite)
		}
	}
	return out
}

// checkValidities: a clause that closes one sentence belongs to that
// sentence only.
func (c *compiler) checkValidities() {
	for _, v := range c.validities {
		var own []string
		what := "本项金额"
		if v.part != nil {
			own, what = []string{v.part.Cite}, "本部分（cite）"
		} else {
			own = c.amountCites(v.benefit)
		}
		vc := Normalize(v.cite)
		found := false
		for _, s := range c.sentences(v.measure) {
			if !strings.Contains(s, vc) {
				continue
			}
			for _, a := range own {
				if a != "" && strings.Contains(s, Normalize(a)) {
					found = true
				}
			}
		}
		if !found {
			v.t.errAt(v.t.keyPath(v.key), "期限“%s”与%s的原话不在同一句（以“。”分句）中：它不是本项的期限。若原文明确它覆盖整条措施，请写在文件的 [validity] 中（covers = \"measure\"）", short(v.cite, 30), what)
		}
	}
}
