package model

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"policyguide/calculator/compile"
	"policyguide/calculator/diag"
	"policyguide/generator/load"
	"policyguide/generator/rules"
	"policyguide/generator/site"
)

// documents builds every document with its paragraphs and returns the
// paragraphs of each by anchor. s.Document is the main one.
func documents(c *load.Content, s *site.Site, errs *diag.List) (map[string]*site.Document, map[*site.Document]map[string]*site.Paragraph, *rules.Cites) {
	byID := map[string]*site.Document{}
	var all []*site.Document
	paras := map[*site.Document]map[string]*site.Paragraph{}
	for _, df := range c.Documents {
		d := document(df, errs)
		d.ID, d.Main, d.Published, d.Topic, d.File = df.ID, df.Main, df.Published, df.Topic, df.Name
		if _, dup := byID[df.ID]; dup {
			errs.Add(df.Keys.At(df.Name, "number"), "duplicate document id %q", df.ID)
		}
		if df.Folder != "" && !idRe.MatchString(df.ID) {
			errs.Add(diag.Pos{File: df.Name, Line: 1, Col: 1}, "document folder name %q must be short lower-case ASCII (a-z, 0-9, -): it is used in URLs", df.ID)
		}
		byID[df.ID] = d
		ps := map[string]*site.Paragraph{}
		for _, p := range d.Paragraphs {
			if !d.Main {
				p.Doc = d
			}
			ps[p.Anchor] = p
		}
		paras[d] = ps
		all = append(all, d)
	}
	cites := rules.NewCites(all)
	for _, df := range c.Documents {
		d := byID[df.ID]
		for i, x := range df.Dates {
			dd := site.DocDate{Date: x.Date, End: x.End, Title: x.Title, Cite: x.Cite}
			dd.Anchor = findCite(cites, d, x.Cite, df.Keys.At(df.Name, key("dates", i, "cite")), errs)
			d.Dates = append(d.Dates, dd)
		}
		s.Documents = append(s.Documents, d)
		if df.Main {
			s.Document = d
		}
	}
	if s.Document == nil { // reported by load
		s.Document = &site.Document{}
	}
	sort.SliceStable(s.Documents, func(i, j int) bool {
		a, b := s.Documents[i], s.Documents[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.ID < b.ID
	})
	return byID, paras, cites
}

// findCite returns the anchor of the paragraph of d that contains cite,
// and reports a cite (not empty) that is in none.
func findCite(cites *rules.Cites, d *site.Document, cite string, pos diag.Pos, errs *diag.List) string {
	if p := cites.Find(d.ID, cite); p != nil {
		return p.Anchor
	}
	if compile.Normalize(cite) != "" {
		errs.Add(pos, "cite is not in the text of %s (%s): quote its exact words, within one paragraph", d.Number, d.ID)
	}
	return ""
}

// relations resolves every document's [[relations]] and attaches them to
// the documents and measures concerned.
func relations(c *load.Content, docs map[string]*site.Document, cites *rules.Cites, measures map[string]*site.Measure, errs *diag.List) {
	for _, df := range c.Documents {
		from := docs[df.ID]
		if from == nil {
			continue
		}
		for i, rf := range df.Relations {
			at := func(k string) diag.Pos { return df.Keys.At(df.Name, key("relations", i, k)) }
			to := docs[rf.Document]
			if to == nil {
				if rf.Document != "" {
					errs.Add(at("document"), "unknown document %q (folders under documents/: %s)", rf.Document, knownIDs(docs))
				}
				continue
			}
			if to == from {
				errs.Add(at("document"), "a document cannot %s itself", rf.Type)
				continue
			}
			if !from.Date.IsZero() && !to.Date.IsZero() && from.Date.Before(to.Date) {
				errs.Add(at("document"), "%s is dated before %s: only a later document can continue, amend or replace an earlier one", from.Number, to.Number)
			}
			r := &site.Relation{Type: rf.Type, From: from, To: to, Start: rf.From, Until: rf.Until, Cite: rf.Cite}
			r.Anchor = findCite(cites, from, rf.Cite, at("cite"), errs)
			for j, id := range rf.Measures {
				m := measures[id]
				switch {
				case m == nil:
					errs.Add(df.Keys.At(df.Name, key("relations", i, "measures")+"["+strconv.Itoa(j)+"]"), "unknown measure %q", id)
				case m.Document != to:
					errs.Add(df.Keys.At(df.Name, key("relations", i, "measures")+"["+strconv.Itoa(j)+"]"), "measure %q belongs to %s, not to %s", id, m.Document.ID, to.ID)
				default:
					r.Measures = append(r.Measures, m)
				}
			}
			from.Relations = append(from.Relations, r)
			to.Incoming = append(to.Incoming, r)
		}
	}
	for _, m := range measures {
		for _, d := range []*site.Document{m.Document} {
			if d == nil {
				continue
			}
			for _, r := range d.Incoming {
				if r.Concerns(m) {
					m.Relations = append(m.Relations, r)
				}
			}
		}
		sort.SliceStable(m.Relations, func(i, j int) bool { return m.Relations[i].Date().Before(m.Relations[j].Date()) })
	}
}

// status sets each document's status on day, from the end dates and
// relations the documents state.
func status(s *site.Site, day time.Time) {
	for _, d := range s.Documents {
		d.Status, d.StatusNote = site.StatusInForce, ""
		for _, r := range d.Incoming {
			if r.Type == "replaces" && len(r.Measures) == 0 && !day.Before(r.Start) {
				d.Status = site.StatusEnded
				d.StatusNote = "已由" + r.From.Number + "废止"
				if !r.Start.IsZero() {
					d.StatusNote += "（自" + cnDate(r.Start) + "起）"
				}
			}
		}
		if d.Status == site.StatusEnded || len(d.Measures) == 0 {
			continue
		}
		n := 0
		for _, m := range d.Measures {
			if m.Expired(day) {
				n++
			}
		}
		switch {
		case n == len(d.Measures):
			d.Status = site.StatusEnded
			d.StatusNote = "全部" + strconv.Itoa(n) + "项措施已到期或被废止"
		case n > 0:
			d.Status = site.StatusPartly
			d.StatusNote = strconv.Itoa(len(d.Measures)) + "项措施中" + strconv.Itoa(n) + "项已到期或被废止，其余仍在期限内或文件未写明截止日期"
		default:
			d.StatusNote = "各项措施均在期限内或文件未写明截止日期"
		}
		d.StatusNote = "按文件写明的期限推算（截至" + cnDate(day) + "）：" + d.StatusNote
	}
}

func cnDate(t time.Time) string {
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// calendar lists the dates the documents state: measures' end dates and
// their parts' end dates (grouped by document and day), relations' dates,
// and each document's [[dates]].
func calendar(s *site.Site) {
	host := "policyguide"
	if u, err := url.Parse(s.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	var evs []*site.Event
	add := func(e *site.Event) {
		sum := sha256.Sum256([]byte(e.Doc.ID + "|" + e.Date.Format("2006-01-02") + "|" + e.Title))
		e.UID = hex.EncodeToString(sum[:])[:20] + "@" + host
		evs = append(evs, e)
	}
	for _, d := range s.Documents {
		ends := map[time.Time][]*site.Measure{}
		partEnds := map[time.Time][]string{} // "第1条“…”中的…" for a part's own date
		var days []time.Time
		addDay := func(t time.Time) {
			if _, ok := ends[t]; !ok {
				if _, ok := partEnds[t]; !ok {
					days = append(days, t)
				}
			}
		}
		for _, m := range d.Measures {
			if !m.ValidUntil.IsZero() {
				addDay(m.ValidUntil)
				ends[m.ValidUntil] = append(ends[m.ValidUntil], m)
			}
			for _, p := range m.Parts {
				addDay(p.Until)
				partEnds[p.Until] = append(partEnds[p.Until], m.Label+"“"+m.Title+"”中的“"+p.Name+"”")
			}
		}
		sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
		for _, day := range days {
			if ms := ends[day]; len(ms) > 0 {
				var labels []string
				for _, m := range ms {
					labels = append(labels, m.Label)
				}
				u := d.URL()
				if len(ms) == 1 {
					u = ms[0].URL()
				}
				add(&site.Event{Date: day, Doc: d, URL: u,
					Title: d.Number + " " + strings.Join(labels, "、") + "实施期限截止",
					Note:  "文件写明的实施期限截至" + cnDate(day) + "：" + titles(ms)})
			}
			if ps := partEnds[day]; len(ps) > 0 {
				add(&site.Event{Date: day, Doc: d, URL: d.URL(),
					Title: d.Number + " " + strings.Join(ps, "、") + "期限截止",
					Note:  "文件写明的期限截至" + cnDate(day) + "，只涉及：" + strings.Join(ps, "、")})
			}
		}
		for _, r := range d.Relations {
			what := r.To.Number
			if len(r.Measures) > 0 {
				what += titles(r.Measures)
			}
			if !r.Start.IsZero() {
				add(&site.Event{Date: r.Start, Doc: d, URL: r.CiteURL(),
					Title: d.Number + r.Verb() + what + "（起始日）",
					Note:  "依据" + d.Number + "：“" + r.Cite + "”"})
			}
			if !r.Until.IsZero() {
				add(&site.Event{Date: r.Until, Doc: d, URL: r.CiteURL(),
					Title: what + "延续期限截止",
					Note:  "依据" + d.Number + "：“" + r.Cite + "”"})
			}
		}
		for _, x := range d.Dates {
			add(&site.Event{Date: x.Date, End: x.End, Doc: d, URL: d.URL() + "#" + x.Anchor,
				Title: d.Number + " " + x.Title, Note: "依据" + d.Number + "：“" + x.Cite + "”"})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].Date.Equal(evs[j].Date) {
			return evs[i].Date.Before(evs[j].Date)
		}
		return evs[i].UID < evs[j].UID
	})
	s.Events = evs
}

func titles(ms []*site.Measure) string {
	var t []string
	for _, m := range ms {
		t = append(t, m.Label+"“"+m.Title+"”")
	}
	return strings.Join(t, "、")
}

// contacts copies the departments' staff-added channels.
func contacts(c *load.Content, s *site.Site) {
	byID := map[string]*site.Department{}
	for _, d := range s.Departments {
		byID[d.ID] = d
	}
	for _, df := range c.Departments.Departments {
		d := byID[df.ID]
		if d == nil {
			continue
		}
		for _, ch := range df.Channels {
			d.Contacts = append(d.Contacts, site.Contact{Kind: ch.Kind, Value: ch.Value, Source: ch.Source, Checked: ch.Checked})
		}
	}
}
