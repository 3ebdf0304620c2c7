// Package rules compiles the calculator's questions and rules from the
// loaded content and its documents, moves their end dates as later
// documents state, and runs every worked example once.
package rules

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/compile"
	"policyguide/calculator/diag"
	"policyguide/generator/load"
	"policyguide/generator/site"
)

// Result is the compiled rules.
type Result struct {
	// Program is the calculator as it evaluates: a benefit's end date as
	// moved by a later document's continuation or replacement.
	Program *calculator.Program
	// Stated is Program with every benefit's end date as the measure's own
	// document states it: what a measure page shows and its prose cites
	// (the page shows later documents' changes apart).
	Stated *calculator.Program
}

// Compile compiles the rules of c against its documents (docs, from
// model.Documents; main is the main one). It returns nil and no errors
// when the content has no rules. warns are problems that do not stop a
// build.
func Compile(c *load.Content, docs []*site.Document, main *site.Document) (res *Result, warns, errs diag.List) {
	if c.Questions == nil && len(c.Rules) == 0 {
		return nil, nil, nil
	}
	if c.Questions == nil {
		errs.Add(diag.Pos{File: filepath.ToSlash(filepath.Join(c.Dir, "calculator/questions.toml"))}, "file is missing: rules need declared questions")
		return nil, nil, errs
	}
	cites := NewCites(docs)
	d := c.Document.Date
	src := compile.Sources{
		Questions: compile.File{Name: c.Questions.Name, Src: c.Questions.Data},
		Source:    c.Source.Data,
		Basis:     calculator.MakeDate(d.Year(), int(d.Month()), d.Day()),
		BasisName: c.Document.Number,
		Warnings:  &warns,
	}
	if d.IsZero() {
		src.Basis = 0
	}
	src.Anchor = func(cite string) (string, bool) {
		p := cites.Find(main.ID, cite)
		if p == nil {
			return "", false
		}
		return p.Anchor, true
	}
	for _, r := range c.Rules {
		src.Rules = append(src.Rules, compile.File{Name: r.Name, Src: r.Data})
	}
	docSources(&src, docs, main, c.Measures, cites)
	// A measure's paragraph is in its own document (default: the main one).
	measurePara := map[string]*site.Paragraph{}
	for _, m := range c.Measures {
		src.Measures = append(src.Measures, m.ID)
		if p := cites.Paragraph(measureDoc(m, main), m.Paragraph); p != nil {
			measurePara[m.ID] = p
		}
	}
	src.Paragraph = func(measure string) (string, string, bool) {
		p := measurePara[measure]
		if p == nil {
			return "", "", false
		}
		return p.Anchor, p.Text, true
	}
	for _, a := range c.Site.Audiences {
		src.Audiences = append(src.Audiences, a.ID)
	}
	for _, d := range c.Departments.Departments {
		src.Departments = append(src.Departments, d.Name)
	}
	src.LaterExamples = true // run below, once the relations are applied
	prog, errs := compile.Compile(src)
	if len(errs) > 0 {
		return nil, warns, errs
	}
	stated := *prog
	stated.Benefits = nil
	for _, b := range prog.Benefits {
		x := *b
		stated.Benefits = append(stated.Benefits, &x)
	}
	files := map[string]string{}
	for _, m := range c.Measures {
		files[m.ID] = m.Name
	}
	if errs := follow(prog, relations(c, docs, main, cites), files); len(errs) > 0 {
		return nil, warns, errs
	}
	if errs := compile.RunExamples(prog, src.Rules); len(errs) > 0 {
		return nil, warns, errs
	}
	return &Result{Program: prog, Stated: &stated}, warns, nil
}

func measureDoc(m load.MeasureFile, main *site.Document) string {
	if m.Document != "" {
		return m.Document
	}
	return main.ID
}

// docSources adds every document to the compiler's sources: a cite is
// looked up in its own document (a param value's doc = "id", else the
// measure's document), and a cite in a document other than the main one is
// linked as "documents/<id>/#pN" (the main one as "pN").
func docSources(src *compile.Sources, docs []*site.Document, main *site.Document, measures []load.MeasureFile, cites *Cites) {
	if len(docs) == 0 {
		return
	}
	src.Docs = map[string][]byte{}
	byID := map[string]*site.Document{}
	for _, d := range docs {
		var text strings.Builder
		for _, p := range d.Paragraphs {
			text.WriteString(p.Text + "\n")
		}
		src.Docs[d.ID] = []byte(text.String())
		byID[d.ID] = d
	}
	src.Main = main.ID
	src.MeasureDocs = map[string]string{}
	for _, m := range measures {
		src.MeasureDocs[m.ID] = measureDoc(m, main)
	}
	src.Locate = func(doc, cite string) (string, string, bool) {
		p := cites.Find(doc, cite)
		if p == nil {
			return "", "", false
		}
		if d := byID[doc]; !d.Main {
			return strings.TrimPrefix(d.URL(), "/") + "#" + p.Anchor, p.Text, true
		}
		return p.Anchor, p.Text, true
	}
}

// relations are, by measure id, the valid relations of later documents
// that concern it, in date order (the model reports the invalid ones).
func relations(c *load.Content, docs []*site.Document, main *site.Document, cites *Cites) map[string][]*site.Relation {
	byID := map[string]*site.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	out := map[string][]*site.Relation{}
	for _, df := range c.Documents {
		from := byID[df.ID]
		for _, rf := range df.Relations {
			to := byID[rf.Document]
			if from == nil || to == nil || to == from {
				continue
			}
			r := &site.Relation{Type: rf.Type, From: from, To: to, Start: rf.From, Until: rf.Until, Cite: rf.Cite}
			if p := cites.Find(from.ID, rf.Cite); p != nil {
				r.Anchor = p.Anchor
			}
			for _, m := range c.Measures {
				if measureDoc(m, main) == to.ID && (len(rf.Measures) == 0 || slices.Contains(rf.Measures, m.ID)) {
					out[m.ID] = append(out[m.ID], r)
				}
			}
		}
	}
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].Date().Before(rs[j].Date()) })
	}
	return out
}

// follow makes the calculator agree with the measure pages: a benefit's end
// date, as its measure's document states it (a whole-measure [validity] or
// its own sentence), is moved by a later continuation, and a replacement
// ends every benefit of the measure the day before it takes effect. The
// benefit then cites the later document's words. The date is written once,
// in the relation (document.md), not again in the rules.
func follow(prog *calculator.Program, rels map[string][]*site.Relation, files map[string]string) diag.List {
	var errs diag.List
	changed := false
	for _, b := range prog.Benefits {
		rs := rels[b.Measure]
		if len(rs) == 0 {
			continue
		}
		end, by := site.Moved(rs, timeOf(b.ValidUntil))
		if by == nil {
			continue
		}
		b.ValidUntil, b.ValidCite, b.ValidAnchor = dateOf(end), by.Cite, strings.TrimPrefix(by.CiteURL(), "/")
		switch {
		case end.IsZero():
			b.ValidScope, b.ValidCite, b.ValidAnchor = "", "", ""
		case b.ValidScope == "":
			b.ValidScope = calculator.ScopeMeasure // a replacement ends the whole measure
		}
		changed = true
		if b.ValidFrom != 0 && b.ValidUntil != 0 && b.ValidFrom > b.ValidUntil {
			errs.Add(diag.Pos{File: files[b.Measure], Line: 1, Col: 1}, "benefit %s: %s ends it on %s, before its valid_from %s", b.ID, by.From.Number, b.ValidUntil, b.ValidFrom)
		}
	}
	if changed && len(errs) == 0 {
		for _, pr := range prog.Check() { // prepares the moved dates for evaluation
			errs.Add(diag.Pos{File: "rules"}, "%s", pr.Msg)
		}
	}
	return errs
}

func timeOf(d calculator.Date) time.Time {
	t, _ := time.Parse("2006-01-02", d.String())
	return t
}

func dateOf(t time.Time) calculator.Date {
	if t.IsZero() {
		return 0
	}
	return calculator.MakeDate(t.Year(), int(t.Month()), t.Day())
}
