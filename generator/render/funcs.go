package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	htmpl "html/template"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"policyguide/generator/site"
)

// funcs are the template functions, shared by the HTML and text templates:
//
//	date t            "2023年12月31日" (zero time: "")
//	isoDate t         "2023-12-31"
//	rfc3339 t         "2023-12-31T00:00:00Z" (Atom)
//	absURL "/x/"      BaseURL + "/x/" (canonical, Open Graph, sitemap, feed)
//	relURL "x/"       "/x/": a site-relative URL; render rewrites it relative to the page
//	asset "main.css"  the hashed URL of a theme asset, "" if the build has none
//	expired m         whether measure m expired before the build date
//	locale "zh-CN"    "zh_CN" (og:locale)
//	prose html        Markdown HTML with every table wrapped to scroll sideways
//	xml s             s escaped for XML text and attributes
//	partlyExpired m   some parts of m (not all of it) have ended by the build date
//	expiredParts m    those parts
//	after t           the build date is after t
//	deptNames ds      department names joined with "、"
//	len / add / sub   small arithmetic for counts and positions
//	measureItem m     partials/measure-item.html for m, rendered once per build (HTML pages only)
//	once "p.html" .   partial p rendered once per build, for parts that depend on the site only (HTML pages only)
//	onceFor "p.html" key .  once per distinct key, e.g. .FrameKey for the header (HTML pages only)
func funcs(s *site.Site, a site.Assets, w words) map[string]any {
	tables := tableWrapper(w.say("table_region", nil))
	return map[string]any{
		"date":    chineseDate,
		"isoDate": func(t time.Time) string { return t.Format("2006-01-02") },
		"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"absURL":  func(u string) string { return s.BaseURL + relURL(u) },
		"relURL":  relURL,
		"asset":   func(name string) string { return a[name] },
		"expired": func(m *site.Measure) bool { return m.Expired(s.BuildDate) },
		// partlyExpired / expiredParts: parts of a measure whose own sentence
		// states an end date that is before the build date.
		"partlyExpired": func(m *site.Measure) bool { return m.PartlyExpired(s.BuildDate) },
		"expiredParts":  func(m *site.Measure) []site.ValidPart { return m.ExpiredParts(s.BuildDate) },
		"after":         func(t time.Time) bool { return s.BuildDate.After(t) },
		"locale":        func(lang string) string { return strings.ReplaceAll(lang, "-", "_") },
		"prose":         func(h htmpl.HTML) htmpl.HTML { return prose(h, tables) },
		"xml":           xmlEscape,
		"deptNames": func(ds []*site.Department) string {
			names := make([]string, len(ds))
			for i, d := range ds {
				names[i] = d.Name
			}
			return strings.Join(names, "、")
		},
		"audienceName": func(id string) string {
			for _, a := range s.Audiences {
				if a.ID == id {
					return a.Name
				}
			}
			return id
		},
		"calcLink": func(m *site.Measure) string { return calcLink(s, m) },
		"add":      func(a, b int) int { return a + b },
		"join":     func(xs []string) string { return strings.Join(xs, " ") },
		"sub":      func(a, b int) int { return a - b },
	}
}

// chineseDate formats a date the way Chinese documents do: 2023年12月31日.
func chineseDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// relURL makes u site-relative ("/x/"); absolute URLs pass through.
func relURL(u string) string {
	if strings.Contains(u, "://") || strings.HasPrefix(u, "/") || strings.HasPrefix(u, "#") {
		return u
	}
	return "/" + u
}

// prose wraps Markdown tables in a focusable region that scrolls sideways on
// a narrow screen, keeping the table's own semantics (display:block on the
// table itself would drop them in some screen readers). tables is
// tableWrapper's replacer (made once: building one costs more than using it).
func prose(h htmpl.HTML, tables *strings.Replacer) htmpl.HTML {
	if !strings.Contains(string(h), "<table") {
		return h
	}
	return htmpl.HTML(tables.Replace(string(h)))
}

// tableWrapper is the replacer prose uses, for a region named label.
func tableWrapper(label string) *strings.Replacer {
	return strings.NewReplacer(
		"<table>", `<div class="table-wrap" role="region" aria-label="`+htmpl.HTMLEscapeString(label)+`" tabindex="0"><table>`,
		"</table>", "</table></div>")
}

// xmlEscape is s escaped as encoding/xml's EscapeText does it. Most titles
// and URLs need no escaping: they are returned as they are (the sitemap and
// the feed escape some 30,000 strings on a large site).
func xmlEscape(s string) string {
	if xmlPlain(s) {
		return s
	}
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // never fails on a bytes.Buffer
	return b.String()
}

// xmlPlain reports whether EscapeText would leave s unchanged: valid UTF-8
// with no character it escapes (<, >, &, ', ", tab, newline, carriage
// return) or replaces (outside XML's character range).
func xmlPlain(s string) bool {
	for _, r := range s { // an invalid byte is utf8.RuneError, replaced: not plain
		switch {
		case r == '<' || r == '>' || r == '&' || r == '\'' || r == '"':
			return false
		case r >= 0x20 && r <= 0xD7FF && r != utf8.RuneError,
			r >= 0xE000 && r <= 0xFFFD && r != utf8.RuneError,
			r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// calcLink opens the calculator at a measure's need and audience
// ("/calculator/#aud=enterprises&need=stable"); the page reads the fragment.
func calcLink(s *site.Site, m *site.Measure) string {
	c := s.Calculator
	if c == nil {
		return "/calculator/"
	}
	var needs []string
	aud := ""
	for _, n := range c.Needs {
		if !slices.Contains(n.Measures, m.ID) {
			continue
		}
		needs = append(needs, n.ID)
		for _, a := range m.Audiences {
			if aud == "" && slices.Contains(n.Audience, a.ID) {
				aud = a.ID
			}
		}
	}
	if aud == "" {
		return "/calculator/"
	}
	return "/calculator/#aud=" + url.QueryEscape(aud) + "&need=" + url.QueryEscape(strings.Join(needs, ","))
}
