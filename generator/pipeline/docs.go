package pipeline

import (
	"bytes"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"policyguide/calculator"
	"policyguide/calculator/compile"
	"policyguide/calculator/diag"
	"policyguide/generator/history"
	"policyguide/generator/load"
	"policyguide/generator/site"
)

// docSources adds every document to the compiler's sources: a cite is
// looked up in its own document (a param value's doc = "id", else the
// measure's document), and a cite in a document other than the main one is
// linked as "documents/<id>/#pN" (the main one as "pN", as before).
func docSources(src *compile.Sources, docs []*site.Document, main *site.Document, measures []load.MeasureFile, warnings *diag.List) {
	if len(docs) == 0 {
		return
	}
	type para struct{ anchor, text, norm string }
	paras := map[string][]para{}
	src.Docs = map[string][]byte{}
	for _, d := range docs {
		var text strings.Builder
		for _, p := range d.Paragraphs {
			a := p.Anchor
			if !d.Main {
				a = strings.TrimPrefix(d.URL(), "/") + "#" + p.Anchor
			}
			paras[d.ID] = append(paras[d.ID], para{a, p.Text, compile.Normalize(p.Text)})
			text.WriteString(p.Text + "\n")
		}
		src.Docs[d.ID] = []byte(text.String())
	}
	src.Main = main.ID
	src.MeasureDocs = map[string]string{}
	for _, m := range measures {
		src.MeasureDocs[m.ID] = main.ID
		if m.Document != "" {
			src.MeasureDocs[m.ID] = m.Document
		}
	}
	src.Locate = func(doc, cite string) (string, string, bool) {
		n := compile.Normalize(cite)
		if n == "" {
			return "", "", false
		}
		for _, p := range paras[doc] {
			if strings.Contains(p.norm, n) {
				return p.anchor, p.text, true
			}
		}
		return "", "", false
	}
	src.Warnings = warnings
}

// contentRel is a content file's path relative to the content folder.
func contentRel(dir, name string) string {
	return strings.TrimPrefix(name, filepath.ToSlash(filepath.Clean(dir))+"/")
}

// addHistory fills the revision records of measure and document pages and
// the site's list of changes from git. Outside a git checkout the site says
// history is unavailable.
func addHistory(c *load.Content, s *site.Site) {
	s.Repository = strings.TrimRight(c.Site.Repository, "/")
	log, err := history.Read(c.Dir)
	if err != nil {
		s.HistoryNote = "修订记录不可用：本站构建时内容不在 git 仓库中。"
		if err != history.ErrNoGit {
			s.HistoryNote = "修订记录不可用：读取 git 记录失败（" + err.Error() + "）。"
		}
		return
	}
	commits := map[string]*site.Commit{}
	conv := func(hc *history.Commit) *site.Commit {
		if sc := commits[hc.Hash]; sc != nil {
			return sc
		}
		sc := &site.Commit{Hash: hc.Hash, Date: hc.Date, Subject: hc.Subject}
		if s.Repository != "" {
			sc.URL = s.Repository + "/commit/" + hc.Hash
		}
		commits[hc.Hash] = sc
		return sc
	}
	pageOf := map[string]site.PageRef{}
	record := func(files []string, follow bool, ref site.PageRef) *site.History {
		h := &site.History{}
		seen := map[string]bool{}
		for _, f := range files {
			pageOf[f] = ref
			for _, hc := range log.File(f, follow) {
				if !seen[hc.Hash] {
					seen[hc.Hash] = true
					h.Commits = append(h.Commits, conv(hc))
				}
			}
		}
		sort.SliceStable(h.Commits, func(i, j int) bool { return h.Commits[i].Date.After(h.Commits[j].Date) })
		return h
	}
	rulesOf := map[string][]string{}
	for _, r := range c.Rules {
		var head struct {
			Measure string `toml:"measure"`
		}
		if _, err := toml.Decode(string(r.Data), &head); err == nil && head.Measure != "" {
			rulesOf[head.Measure] = append(rulesOf[head.Measure], contentRel(c.Dir, r.Name))
		}
	}
	for _, m := range s.Measures {
		files := append([]string{contentRel(c.Dir, m.File)}, rulesOf[m.ID]...)
		m.History = record(files, false, site.PageRef{Title: m.Label + " " + m.Title, URL: m.URL()})
	}
	byID := map[string]*site.Document{}
	for _, d := range s.Documents {
		byID[d.ID] = d
	}
	for _, df := range c.Documents {
		if d := byID[df.ID]; d != nil {
			files := []string{contentRel(c.Dir, df.Name)}
			if df.Text.Name != "" {
				files = append(files, contentRel(c.Dir, df.Text.Name))
			}
			d.History = record(files, true, site.PageRef{Title: d.Number, URL: d.URL()})
		}
	}
	for _, hc := range log.Commits {
		sc := conv(hc)
		seen := map[string]bool{}
		for _, f := range hc.Files {
			ref, ok := pageOf[f]
			if !ok {
				ref = site.PageRef{Title: f}
			}
			if !seen[ref.Title] {
				seen[ref.Title] = true
				sc.Pages = append(sc.Pages, ref)
			}
		}
		s.Changes = append(s.Changes, sc)
	}
	if len(s.Changes) > 0 && s.Changes[0].Date.After(s.Updated) {
		s.Updated = s.Changes[0].Date
	}
}

// placeholderHosts are base_url hosts that cannot be the real site.
var placeholderHosts = []string{"example.org", "example.com", "example.net", "localhost", "127.0.0.1"}

// warnings are problems that do not stop a build but that staff should
// look at: measures about to end, a placeholder base_url, measures without
// a department, contact details not checked for a year.
func warnings(c *load.Content, s *site.Site, day time.Time) diag.List {
	var w diag.List
	if u, err := url.Parse(c.Site.BaseURL); err == nil {
		h := strings.ToLower(u.Hostname())
		for _, p := range placeholderHosts {
			if h == p || strings.HasSuffix(h, "."+p) || strings.HasSuffix(h, ".example") || strings.HasSuffix(h, ".test") || strings.HasSuffix(h, ".invalid") {
				w.Add(c.Site.Keys.At(c.Site.Name, "base_url"), "base_url %q is a placeholder: set the site's real address before publishing (canonical links, sitemap, feed and calendar use it)", c.Site.BaseURL)
				break
			}
		}
	}
	soon := day.AddDate(0, 0, 60)
	for _, m := range s.Measures {
		pos := diag.Pos{File: m.File, Line: 1, Col: 1}
		if end := m.EndDate(); !end.IsZero() && !end.Before(day) && !end.After(soon) {
			w.Add(pos, "measure %s ends on %s, within 60 days of %s: check whether a new document continues it", m.ID, end.Format("2006-01-02"), day.Format("2006-01-02"))
		}
		if !m.Expired(day) {
			for _, p := range m.CurrentParts() { // a date that closes one sentence
				if !p.Until.IsZero() && !p.Until.Before(day) && !p.Until.After(soon) {
					w.Add(pos, "measure %s: %s ends on %s, within 60 days of %s: check whether a new document continues it", m.ID, p.Name, p.Until.Format("2006-01-02"), day.Format("2006-01-02"))
				}
			}
		}
		if len(m.Lead) == 0 && len(m.Partners) == 0 && m.Duty == "" { // the duty line names who is responsible
			w.Add(pos, "measure %s names no department: readers cannot tell whom to ask (add lead or partners as the document names them)", m.ID)
		}
	}
	df := c.Departments
	for i, d := range df.Departments {
		for j, ch := range d.Channels {
			if !ch.Checked.IsZero() && ch.Checked.AddDate(1, 0, 0).Before(day) {
				k := "departments[" + itoa(i) + "].channels[" + itoa(j) + "].checked"
				w.Add(df.Keys.At(df.Name, k), "%s的%s last checked on %s, more than a year ago: check it again and update checked", d.Name, ch.Kind, ch.Checked.Format("2006-01-02"))
			}
		}
	}
	return w
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

// FillMarker marks a value of a `new` skeleton that staff must still write.
const FillMarker = "【请填写"

// unfilled reports every FillMarker left in the content folder's text files.
func unfilled(dir string) diag.List {
	var errs diag.List
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch filepath.Ext(p) {
		case ".md", ".toml", ".txt":
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(data, []byte(FillMarker)) {
			return nil
		}
		for i, line := range strings.Split(string(data), "\n") {
			if k := strings.Index(line, FillMarker); k >= 0 {
				col := utf8.RuneCountInString(line[:k]) + 1
				errs.Add(diag.Pos{File: filepath.ToSlash(p), Line: i + 1, Col: col}, "not filled in yet: replace %s…】 with the document's own words (or delete the line when the document says nothing)", FillMarker)
			}
		}
		return nil
	})
	return errs
}

// paramViews lists each measure's parameters with every dated value and the
// document stating it, marking the value in force on the build date.
func paramViews(s *site.Site, prog *calculator.Program) {
	byID := map[string]*site.Measure{}
	for _, m := range s.Measures {
		byID[m.ID] = m
	}
	docs := map[string]*site.Document{}
	for _, d := range s.Documents {
		docs[d.ID] = d
	}
	for _, p := range prog.Params {
		m := byID[p.Measure]
		if m == nil {
			continue
		}
		v := &site.ParamView{Label: p.Label, Unit: p.Unit}
		cur := -1
		for i, pv := range p.Values {
			from, _ := time.Parse("2006-01-02", pv.From.String())
			x := site.ParamValueView{From: from, Value: pv.Value.String(), Cite: pv.Cite, Doc: s.Document}
			if rest, ok := strings.CutPrefix(pv.Anchor, "documents/"); ok {
				id, anchor, _ := strings.Cut(rest, "/#")
				x.Doc, x.URL = docs[id], "/"+pv.Anchor
				_ = anchor
			} else if pv.Anchor != "" {
				x.URL = "/document/#" + pv.Anchor
			}
			x.Stated = x.Doc == nil || !from.Equal(x.Doc.Date)
			if from.After(s.BuildDate) {
				x.Future = true
			} else {
				cur = i
			}
			v.Values = append(v.Values, x)
		}
		// "现行" only while nothing of the measure has ended: a value of an
		// expired part must not read as in force.
		if cur >= 0 && !m.Expired(s.BuildDate) && len(m.ExpiredParts(s.BuildDate)) == 0 {
			v.Values[cur].Current = true
		}
		m.Params = append(m.Params, v)
	}
}
