// Package model builds the immutable site model in one go from the loaded
// content and the values of the earlier stages (compiled rules, git
// history): it resolves every reference between files, converts Markdown,
// and reports each broken reference at its key.
package model

import (
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"policyguide/calculator"
	"policyguide/calculator/diag"
	"policyguide/generator/facts"
	"policyguide/generator/history"
	"policyguide/generator/load"
	"policyguide/generator/markdown"
	"policyguide/generator/rules"
	"policyguide/generator/site"
)

// Links are the internal links found in one page, to be checked once every
// page and anchor is known.
type Links struct {
	Page  string // URL of the page the links are on
	Links []markdown.Link
}

// Result is the model and what the validation stage still needs.
type Result struct {
	Site  *site.Site
	Links []Links
}

var idRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Inputs are what the earlier stages give the model.
type Inputs struct {
	// Rules are the compiled rules (nil: the site has none). A measure's
	// prose refers to their facts ({{param id}}, generator/facts) and its
	// end dates, benefits and parameters come from them, and so does the
	// calculator page.
	Rules *rules.Result
	// WasmURL and WasmExecURL locate the calculator's engine.
	WasmURL, WasmExecURL string
	// History is the content's git log, or HistoryErr why there is none.
	History    *history.Log
	HistoryErr error
}

// Documents returns every document split into anchored paragraphs and the
// main one (the values Build puts in Site.Documents and Site.Document), for
// the rules stage, which runs before the model; Build reports their errors.
func Documents(c *load.Content) ([]*site.Document, *site.Document) {
	var errs diag.List
	s := &site.Site{}
	documents(c, s, &errs)
	return s.Documents, s.Document
}

// Build resolves content into a site. day is the build's reference date.
// Nothing changes the site after Build returns.
func Build(c *load.Content, md *markdown.Markdown, day time.Time, in Inputs) (*Result, diag.List) {
	var errs diag.List
	var expand func(measure string, at diag.Pos, src []byte) ([]byte, diag.List)
	if in.Rules != nil {
		expand = facts.New(in.Rules.Stated, calculator.MakeDate(day.Year(), int(day.Month()), day.Day())).Expand
	}
	sf := c.Site
	s := &site.Site{
		Title: sf.Title, Description: sf.Description, BaseURL: strings.TrimRight(sf.BaseURL, "/"),
		Language: sf.Language, Publisher: sf.Publisher, Footer: sf.Footer, BuildDate: day, Updated: sf.Updated,
	}
	if s.Updated.IsZero() {
		s.Updated = c.Document.Date
	}
	if !strings.HasPrefix(sf.BaseURL, "https://") && !strings.HasPrefix(sf.BaseURL, "http://") && sf.BaseURL != "" {
		errs.Add(sf.Keys.At(sf.Name, "base_url"), "base_url must be an absolute http(s) URL, got %q", sf.BaseURL)
	}
	res := &Result{Site: s}
	menuLinks := Links{Page: "/"}
	for i, m := range sf.Menus {
		s.Menus = append(s.Menus, site.MenuItem{Name: m.Name, URL: m.URL})
		menuLinks.Links = append(menuLinks.Links, markdown.Link{Dest: m.URL, Pos: sf.Keys.At(sf.Name, key("menus", i, "url"))})
	}
	res.Links = append(res.Links, menuLinks)

	cats := map[string]*site.Category{}
	for i, cf := range sf.Categories {
		checkID(&errs, sf.Keys.At(sf.Name, key("categories", i, "id")), cf.ID, "category", cats)
		cat := &site.Category{ID: cf.ID, Number: cf.Number, Name: cf.Name}
		cats[cf.ID] = cat
		s.Categories = append(s.Categories, cat)
	}
	auds := map[string]*site.Audience{}
	for i, af := range sf.Audiences {
		checkID(&errs, sf.Keys.At(sf.Name, key("audiences", i, "id")), af.ID, "audience", auds)
		a := &site.Audience{ID: af.ID, Name: af.Name, Entry: af.Entry, Intro: af.Intro}
		auds[af.ID] = a
		s.Audiences = append(s.Audiences, a)
	}
	deps := map[string]*site.Department{}   // by name, as measures cite them
	depIDs := map[string]*site.Department{} // by id, for duplicate checks
	df := c.Departments
	for i, d := range df.Departments {
		checkID(&errs, df.Keys.At(df.Name, key("departments", i, "id")), d.ID, "department", depIDs)
		if _, dup := deps[d.Name]; dup {
			errs.Add(df.Keys.At(df.Name, key("departments", i, "name")), "duplicate department name %q", d.Name)
		}
		dep := &site.Department{ID: d.ID, Name: d.Name}
		deps[d.Name], depIDs[d.ID] = dep, dep
		s.Departments = append(s.Departments, dep)
	}

	docs, docParas, cites := documents(c, s, &errs)

	// Measures: resolve references first, convert Markdown in parallel after.
	ids := map[string]*site.Measure{}
	orders := map[int]string{}
	for _, mf := range c.Measures {
		if len(mf.Keys) == 0 {
			continue // did not decode; reported by load
		}
		at := func(k string) diag.Pos { return mf.Keys.At(mf.Name, k) }
		summary := mf.Summary
		if expand != nil && summary != "" {
			out, xerrs := expand(mf.ID, at("summary"), []byte(summary))
			summary = string(out)
			errs.Merge(xerrs)
		}
		m := &site.Measure{
			ID: mf.ID, Order: mf.Order, Label: mf.Label, Title: mf.Title, Summary: summary,
			Duty: mf.Duty, ValidNote: mf.ValidNote, Funds: mf.Funds, File: mf.Name,
		}
		doc := s.Document
		if mf.Document != "" {
			if doc = docs[mf.Document]; doc == nil {
				errs.Add(at("document"), "unknown document %q (folders under documents/: %s)", mf.Document, knownIDs(docs))
				doc = s.Document
			}
		}
		m.Document = doc
		doc.Measures = append(doc.Measures, m)
		paras := docParas[doc]
		checkID(&errs, at("id"), mf.ID, "measure", ids)
		ids[mf.ID] = m
		if prev, dup := orders[mf.Order]; dup {
			errs.Add(at("order"), "duplicate measure number %d: measure %q has it already", mf.Order, prev)
		}
		orders[mf.Order] = mf.ID
		if cat, ok := cats[mf.Category]; ok {
			m.Category = cat
			cat.Measures = append(cat.Measures, m)
		} else if mf.Category != "" {
			errs.Add(at("category"), "unknown category %q (declared in %s: %s)", mf.Category, sf.Name, knownIDs(cats))
		}
		for i, a := range mf.Audiences {
			if aud, ok := auds[a]; ok {
				m.Audiences = append(m.Audiences, aud)
				aud.Measures = append(aud.Measures, m)
			} else {
				errs.Add(at(key("audiences", i, "")), "unknown audience %q (declared in %s: %s)", a, sf.Name, knownIDs(auds))
			}
		}
		for i, name := range mf.Lead {
			if d, ok := deps[name]; ok {
				m.Lead = append(m.Lead, d)
				d.Lead = append(d.Lead, m)
			} else {
				errs.Add(at(key("lead", i, "")), "unknown department %q: add it to %s", name, df.Name)
			}
		}
		for i, name := range mf.Partners {
			if d, ok := deps[name]; ok {
				m.Partners = append(m.Partners, d)
				d.Partner = append(d.Partner, m)
			} else {
				errs.Add(at(key("partners", i, "")), "unknown department %q: add it to %s", name, df.Name)
			}
		}
		if p, ok := paras[mf.Paragraph]; ok {
			m.Paragraph = p
			p.Measure = m
			checkLead(&errs, at, p, known(deps, mf.Lead), known(deps, mf.Partners))
		} else if mf.Paragraph != "" {
			errs.Add(at("paragraph"), "paragraph %q is not in the source document (anchors are p1…p%d)", mf.Paragraph, len(doc.Paragraphs))
		}
		if in.Rules != nil {
			validity(in.Rules.Stated, m)
		}
		s.Measures = append(s.Measures, m)
	}
	sortMeasures(s)
	relations(c, docs, cites, ids, &errs)
	status(s, day)
	calendar(s)
	contacts(c, s)
	addHistory(c, s, in.History, in.HistoryErr)
	if in.Rules != nil {
		attachRules(c, s, in.Rules.Program, in)
	}

	// Pages
	pageIDs := map[string]*site.Page{}
	for _, pf := range c.Pages {
		if len(pf.Keys) == 0 {
			continue
		}
		checkID(&errs, pf.Keys.At(pf.Name, "id"), pf.ID, "page", pageIDs)
		p := &site.Page{ID: pf.ID, Title: pf.Title, File: pf.Name}
		pageIDs[pf.ID] = p
		s.Pages = append(s.Pages, p)
	}

	// Markdown, in parallel: the only costly part of this stage.
	type job struct {
		src   []byte
		file  string
		line  int
		page  string
		apply func(markdown.Result)
	}
	var jobs []job
	for _, mf := range c.Measures {
		if m := ids[mf.ID]; m != nil && m.File == mf.Name {
			body := mf.Body
			if expand != nil {
				var xerrs diag.List
				body, xerrs = expand(mf.ID, diag.Pos{File: mf.Name, Line: mf.BodyLine, Col: 1}, body)
				errs.Merge(xerrs)
			}
			jobs = append(jobs, job{body, mf.Name, mf.BodyLine, m.URL(), func(r markdown.Result) { m.Body, m.TOC = r.HTML, r.TOC }})
		}
	}
	for _, pf := range c.Pages {
		if p := pageIDs[pf.ID]; p != nil && p.File == pf.Name {
			jobs = append(jobs, job{pf.Body, pf.Name, pf.BodyLine, p.URL(), func(r markdown.Result) { p.Body, p.TOC = r.HTML, r.TOC }})
		}
	}
	for _, df := range c.Documents {
		if d := docs[df.ID]; d != nil && len(df.Body) > 0 {
			jobs = append(jobs, job{df.Body, df.Name, df.BodyLine, d.URL(), func(r markdown.Result) { d.Intro = r.HTML }})
		}
	}
	results := make([]markdown.Result, len(jobs))
	jobErrs := make([]diag.List, len(jobs))
	// A fixed pool: a goroutine per job would grow a fresh stack for
	// goldmark's recursion every time.
	var wg sync.WaitGroup
	var next atomic.Int64
	for range min(workers(), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) {
					return
				}
				results[i], jobErrs[i] = md.Convert(jobs[i].src, jobs[i].file, jobs[i].line)
			}
		}()
	}
	wg.Wait()
	for i, j := range jobs {
		j.apply(results[i])
		errs.Merge(jobErrs[i])
		res.Links = append(res.Links, Links{Page: j.page, Links: results[i].Links})
	}
	return res, errs
}

func sortMeasures(s *site.Site) {
	byOrder := func(ms []*site.Measure) {
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Order < ms[j].Order })
	}
	byOrder(s.Measures)
	for _, c := range s.Categories {
		byOrder(c.Measures)
	}
	for _, a := range s.Audiences {
		byOrder(a.Measures)
	}
	for _, d := range s.Departments {
		byOrder(d.Lead)
		byOrder(d.Partner)
	}
}

// key builds a TOML key path like "categories[2].id" or "lead[0]".
func key(list string, i int, field string) string {
	k := list + "[" + strconv.Itoa(i) + "]"
	if field != "" {
		k += "." + field
	}
	return k
}

func checkID[T any](errs *diag.List, pos diag.Pos, id, what string, seen map[string]T) {
	if id == "" {
		return // reported as a missing field by load
	}
	if !idRe.MatchString(id) {
		errs.Add(pos, "%s id %q must be short lower-case ASCII (a-z, 0-9, -): it is used in URLs", what, id)
	}
	if _, dup := seen[id]; dup {
		errs.Add(pos, "duplicate %s id %q", what, id)
	}
}

// known keeps the names that are in m (unknown ones are reported apart).
func known[T any](m map[string]T, names []string) []string {
	var out []string
	for _, n := range names {
		if _, ok := m[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

func knownIDs[T any](m map[string]T) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// workers is the number of goroutines converting Markdown: one per core.
func workers() int { return runtime.GOMAXPROCS(0) }

// checkLead: 牵头 only where the document says it. lead must be the
// departments named before "牵头" in the measure's paragraph (within its
// responsibility brackets); every department listed must be named there.
func checkLead(errs *diag.List, at func(string) diag.Pos, p *site.Paragraph, lead, partners []string) {
	text := p.Text
	i := strings.Index(text, "牵头")
	before := ""
	if i >= 0 {
		before = text[:i]
		if k := max(strings.LastIndex(before, "("), strings.LastIndex(before, "（")); k >= 0 {
			before = before[k:]
		}
		before = strings.TrimLeft(before, "(（")
	}
	switch {
	case i < 0 && len(lead) > 0:
		errs.Add(at("lead"), "paragraph %s does not say 牵头: leave lead empty and list the departments under partners (shown as 负责部门（按文件所列）)", p.Anchor)
	case i >= 0 && len(lead) == 0:
		errs.Add(at("lead"), "paragraph %s says “%s牵头”: set lead to the departments named before 牵头", p.Anchor, before)
	}
	if i >= 0 {
		for k, name := range lead {
			if !strings.Contains(before, name) {
				errs.Add(at(key("lead", k, "")), "%q is not named before 牵头 in paragraph %s (the document says “%s牵头”)", name, p.Anchor, before)
			}
		}
	}
	for k, name := range partners {
		if !strings.Contains(text, name) {
			errs.Add(at(key("partners", k, "")), "department %q is not named in paragraph %s", name, p.Anchor)
		}
	}
}
