package render

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"policyguide/generator/site"
)

// Pages of the many-documents workflow: the 政策文件库 (/documents/), a page
// per document other than the main one (/documents/<id>/; the main one
// stays at /document/ and /documents/<id>/ redirects there), the policy
// calendar (/calendar/ and /calendar.ics) and the site's recent changes
// (/updates/). Rendered only when the site has documents (the model sets
// Site.Documents), so a site model without them renders as before.

// YearGroup is the documents of one year, for the 政策文件库 filter.
type YearGroup struct {
	Year int
	Docs []*site.Document
}

// docKinds are the layouts of these pages.
var docKinds = []string{"documents", "calendar", "updates"}

// planDocs adds the pages above; add is plan's page adder.
func planDocs(s *site.Site, w words, add func(kind, url string, p *Page)) {
	if len(s.Documents) == 0 {
		return
	}
	home := Crumb{w.say("home", nil), "/"}
	lib := Crumb{w.say("documents", nil), "/documents/"}
	add("documents", "/documents/", &Page{Title: lib.Name, Crumbs: []Crumb{home, lib},
		Desc: w.say("documents_desc", countWords{s.Title, len(s.Documents)})})
	for _, d := range s.Documents {
		if d.Main {
			continue
		}
		add("document", d.URL(), &Page{Title: d.Title, OGType: "article", Document: d,
			Desc:   strings.TrimSpace(d.Number + " " + d.Title),
			Crumbs: []Crumb{home, lib, {d.Number, d.URL()}}})
	}
	cal := Crumb{w.say("calendar", nil), "/calendar/"}
	add("calendar", cal.URL, &Page{Title: cal.Name, Crumbs: []Crumb{home, cal}, Desc: w.say("calendar_desc", nil)})
	upd := Crumb{w.say("updates", nil), "/updates/"}
	add("updates", upd.URL, &Page{Title: upd.Name, Crumbs: []Crumb{home, upd}, Desc: w.say("updates_desc", nil)})
}

// Years groups documents by the year of their date, newest first.
func (p *Page) Years() []YearGroup {
	var gs []YearGroup
	docs := append([]*site.Document(nil), p.Site.Documents...)
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Date.After(docs[j].Date) })
	for _, d := range docs {
		if n := len(gs); n == 0 || gs[n-1].Year != d.Date.Year() {
			gs = append(gs, YearGroup{Year: d.Date.Year()})
		}
		gs[len(gs)-1].Docs = append(gs[len(gs)-1].Docs, d)
	}
	return gs
}

// Statuses are the status words, for the filter.
func (p *Page) Statuses() []string {
	return []string{site.StatusInForce, site.StatusPartly, site.StatusEnded}
}

// redirects are the old addresses kept working: /documents/<main id>/ points
// to /document/, where the main document has always been.
func redirects(s *site.Site, files map[string][]byte) []string {
	var list []string
	for _, d := range s.Documents {
		if !d.Main || d.ID == "" {
			continue
		}
		from := "documents/" + d.ID + "/index.html"
		target := basePath(s) + "/document/"
		files[from] = []byte(`<!DOCTYPE html>
<html lang="` + xmlEscape(s.Language) + `"><head><meta charset="utf-8"><title>` + xmlEscape(d.Number) + `</title>
<link rel="canonical" href="` + xmlEscape(s.BaseURL+"/document/") + `">
<meta http-equiv="refresh" content="0; url=../../document/"></head>
<body><p>本文件的页面在 <a href="../../document/">` + xmlEscape(target) + `</a>。</p></body></html>
`)
		list = append(list, "/documents/"+d.ID+"/ → /document/")
	}
	return list
}

// ICS is the policy calendar as an iCalendar file (RFC 5545): all-day
// events, CRLF line ends, lines folded at 75 octets. UIDs come from the
// content and DTSTAMP from the date of the document stating the event, so
// the same content gives the same bytes.
func ICS(s *site.Site, name string) []byte {
	var b bytes.Buffer
	line := func(l string) { fold(&b, l) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//policyguide//" + icsText(s.Title) + "//ZH")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + icsText(name))
	for _, e := range s.Events {
		end := e.End
		if end.IsZero() {
			end = e.Date
		}
		stamp := e.Doc.Date
		if stamp.IsZero() {
			stamp = e.Date
		}
		line("BEGIN:VEVENT")
		line("UID:" + e.UID)
		line("DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"))
		line("DTSTART;VALUE=DATE:" + e.Date.Format("20060102"))
		line("DTEND;VALUE=DATE:" + end.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY:" + icsText(e.Title))
		line("DESCRIPTION:" + icsText(e.Note))
		line("URL:" + s.BaseURL + e.URL)
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

// icsText escapes TEXT values (RFC 5545 3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`)
	return r.Replace(s)
}

// fold writes one content line, folded so no line exceeds 75 octets and no
// UTF-8 sequence is split (RFC 5545 3.1).
func fold(b *bytes.Buffer, l string) {
	limit := 75
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut] + "\r\n ")
		l = l[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(l + "\r\n")
}

// HistoryBox is the input of the history partial.
type HistoryBox struct {
	History *site.History
	Site    *site.Site
}

// PageHistory is the revision record of a measure or document page.
func (p *Page) PageHistory() HistoryBox {
	b := HistoryBox{Site: p.Site}
	switch {
	case p.Measure != nil:
		b.History = p.Measure.History
	case p.Document != nil:
		b.History = p.Document.History
	}
	return b
}
