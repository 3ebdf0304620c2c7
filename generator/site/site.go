// Package site is the immutable model of one site, built from loaded and
// validated content and read by the renderer. Nothing in it is specific to
// one document: categories, audiences, departments and menus come from content.
package site

import (
	"html/template"
	"time"
)

// Site is everything the renderer needs.
type Site struct {
	Title       string
	Description string
	BaseURL     string // absolute, no trailing slash, e.g. "https://example.gov.cn/guide"
	Language    string // "zh-CN"
	// Publisher is the body that publishes this site, from site.toml's
	// publisher; "" = not stated (never the document's issuer by default:
	// the issuer is Document.Issuer, shown with the document).
	Publisher string
	Menus     []MenuItem
	Footer    string    // plain text
	BuildDate time.Time // reference date of the build (expiry notices); date only, UTC
	Updated   time.Time // content date for the feed, from site.toml; never the wall clock

	Categories  []*Category   // in site.toml order
	Audiences   []*Audience   // in site.toml order
	Departments []*Department // in departments.toml order
	Measures    []*Measure    // in document order (Order)
	Document    *Document
	Pages       []*Page // free pages (about, how to use), content/pages/*.md

	// Calculator is nil when the content has no rules.
	Calculator *Calculator

	Documents []*Document // every document, oldest first; Document is one of them
	Events    []*Event    // the policy calendar, by date
	// Changes are the site's commits, newest first (最近更新, feed);
	// HistoryNote says why there is no history (not a git checkout), else "".
	Changes     []*Commit
	HistoryNote string
	Repository  string // web address of the content's git repository, or ""
}

// MenuItem is one entry of the main menu.
type MenuItem struct {
	Name string
	URL  string // site-relative, starts with "/"
}

// Category is one of the document's groups of measures.
type Category struct {
	ID       string // ASCII, used in the URL /categories/<id>/
	Number   string // as in the document, e.g. "(一)"
	Name     string
	Measures []*Measure
}

// Audience is a kind of reader: 个人, 企业和单位, ...
type Audience struct {
	ID       string // ASCII, URL /audiences/<id>/
	Name     string // "个人"
	Entry    string // home-page entry label, "我是个人"
	Intro    string // one sentence shown under the entry
	Measures []*Measure
}

// Department is a department the document names.
type Department struct {
	ID   string // ASCII, URL /departments/<id>/
	Name string // exactly as the document writes it, e.g. "市人社局"
	// Lead: measures whose paragraph names this department before 牵头.
	// Partner: measures that list it otherwise (按文件所列, without rank).
	Lead    []*Measure
	Partner []*Measure

	Contacts []Contact // staff-added channels, each with its source
}

// Measure is one work measure or safeguard.
type Measure struct {
	ID        string // ASCII, URL /measures/<id>/, e.g. "m1", "s2"
	Order     int    // position in the document, for sorting
	Label     string // "第1条", "保障措施（一）"
	Title     string
	Summary   string // one plain sentence for lists and Open Graph
	Category  *Category
	Lead      []*Department // only where the document says 牵头
	Partners  []*Department // the other departments, as the document lists them
	Duty      string        // the document's words on responsibility, e.g. "按职责分工负责，县区政府落实"
	Audiences []*Audience
	// ValidUntil is set only when the rules say, with a cite, that a date
	// covers the whole measure (ValidCite, ValidAnchor: the words). Dates
	// that close one sentence are Parts. Both come from the compiled rules.
	ValidUntil  time.Time
	ValidCite   string
	ValidAnchor string
	Parts       []ValidPart
	ValidNote   string     // optional note from the front matter
	Funds       []string   // fund sources the document names
	Paragraph   *Paragraph // the source paragraph it comes from
	Body        template.HTML
	TOC         []Heading
	Benefits    []string // ids of calculator benefits for this measure (may be empty)
	File        string   // content path, for "edit this page"

	Document  *Document   // the document it belongs to
	Relations []*Relation // later documents' relations concerning it, by date
	History   *History    // nil: no history (see Site.HistoryNote)
	Params    []*ParamView
}

// EndDate is the day the measure ends as its documents state it: its own
// end date, moved by a later continuation, or the start of a replacement.
// Zero: no end date is stated.
func (m *Measure) EndDate() time.Time {
	end, _ := m.Moved(m.ValidUntil)
	return end
}

// Moved applies the later documents' relations to an end date that the
// measure's own document states (zero: none stated): a continuation sets
// its new end date (zero when it names none), a replacement ends the
// measure the day before it takes effect. by is the relation that set the
// result (nil: end as given).
func (m *Measure) Moved(end time.Time) (_ time.Time, by *Relation) {
	return Moved(m.Relations, end)
}

// Moved is end as moved by rels, a measure's relations in date order (see
// Measure.Moved), and the relation that moved it last.
func Moved(rels []*Relation, end time.Time) (_ time.Time, by *Relation) {
	for _, r := range rels {
		switch r.Type {
		case "continues":
			end, by = r.Until, r // zero when the continuation names no end
		case "replaces":
			if last := r.Start.AddDate(0, 0, -1); !r.Start.IsZero() && (end.IsZero() || last.Before(end)) {
				return last, r
			}
			return end, by
		}
	}
	return end, by
}

// CurrentParts are the parts with their end dates as moved by later
// documents (see Moved); Parts keep the dates the measure's document states.
func (m *Measure) CurrentParts() []ValidPart {
	out := make([]ValidPart, 0, len(m.Parts))
	for _, p := range m.Parts {
		p.Until, _ = m.Moved(p.Until)
		out = append(out, p)
	}
	return out
}

// Replaced is the relation that ended the measure on or before day, if any.
func (m *Measure) Replaced(day time.Time) *Relation {
	for _, r := range m.Relations {
		if r.Type == "replaces" && !day.Before(r.Start) {
			return r
		}
	}
	return nil
}

// ValidPart is a part of a measure (a benefit, or a passage) whose own
// sentence states an end date.
type ValidPart struct {
	Name   string
	Until  time.Time
	Cite   string // the words that state the date
	Anchor string // paragraph anchor of Cite
}

// Expired reports whether the whole measure's validity ended before day.
func (m *Measure) Expired(day time.Time) bool {
	if m.Replaced(day) != nil {
		return true
	}
	end := m.EndDate()
	return !end.IsZero() && day.After(end)
}

// ExpiredParts are the parts whose end date (as moved by later documents)
// is before day.
func (m *Measure) ExpiredParts(day time.Time) []ValidPart {
	var out []ValidPart
	for _, p := range m.CurrentParts() {
		if !p.Until.IsZero() && day.After(p.Until) {
			out = append(out, p)
		}
	}
	return out
}

// PartlyExpired: some parts have ended, the measure as a whole has not.
func (m *Measure) PartlyExpired(day time.Time) bool {
	return !m.Expired(day) && len(m.ExpiredParts(day)) > 0
}

// Dated reports whether the document states any end date for the measure.
func (m *Measure) Dated() bool { return !m.ValidUntil.IsZero() || len(m.Parts) > 0 }

// URL is the site-relative URL of the measure page.
func (m *Measure) URL() string { return "/measures/" + m.ID + "/" }

// URL is the site-relative URL of the category page.
func (c *Category) URL() string { return "/categories/" + c.ID + "/" }

// URL is the site-relative URL of the audience page.
func (a *Audience) URL() string { return "/audiences/" + a.ID + "/" }

// URL is the site-relative URL of the department page.
func (d *Department) URL() string { return "/departments/" + d.ID + "/" }

// Heading is an entry of a page's table of contents.
type Heading struct {
	Level int
	Text  string
	ID    string
}

// Document is the source policy document shown as a page at /document/.
type Document struct {
	Title      string    // 标题
	Issuer     string    // 发文机关
	Number     string    // 发文字号
	Date       time.Time // 成文日期
	Validity   string    // 有效性
	Paragraphs []*Paragraph
	Intro      template.HTML // optional Markdown body of content/document.md

	ID         string    // folder name under content/documents/
	Main       bool      // the main document, at /document/
	Published  time.Time // 发布日期; zero: not stated
	Topic      string    // 主题分类; "": not stated
	Status     string    // StatusInForce, StatusPartly or StatusEnded on the build date
	StatusNote string    // how Status follows from the documents
	Measures   []*Measure
	Relations  []*Relation // relations this document states (to earlier ones)
	Incoming   []*Relation // later documents' relations to this one
	Dates      []DocDate
	File       string // content path of its document.md
	History    *History
}

// URL is the site-relative URL of the document page: /document/ for the main
// document (the URL the site has always used), else /documents/<id>/.
func (d *Document) URL() string {
	if d.Main || d.ID == "" {
		return "/document/"
	}
	return "/documents/" + d.ID + "/"
}

// Paragraph is one paragraph of the source document with a stable anchor.
type Paragraph struct {
	Anchor string // "p13": the paragraph's line number in the source file
	Level  int    // 0 body text, 1 title, 2 "一、" heading, 3 "（一）" heading
	Text   string
	// Measure is the measure this paragraph is the source of, if any.
	Measure *Measure
	Doc     *Document // nil: the main document
}

// URL is the site-relative link to the paragraph on the document page.
func (p *Paragraph) URL() string {
	if p.Doc != nil {
		return p.Doc.URL() + "#" + p.Anchor
	}
	return "/document/#" + p.Anchor
}

// Page is a free Markdown page, URL /<slug>/.
type Page struct {
	ID    string
	Title string
	Body  template.HTML
	TOC   []Heading
	File  string
}

// URL is the site-relative URL of the page.
func (p *Page) URL() string { return "/" + p.ID + "/" }

// Calculator is the place of the calculator in the site.
type Calculator struct {
	WasmURL     string // hashed asset URL of the engine
	WasmExecURL string // hashed URL of Go's wasm_exec.js
	RulesURL    string // /data/rules.json (also open data)
	Questions   []Question
	Title       string
	Intro       string

	// The page's question flow (from questions.toml): who, what for, then
	// steps of questions rendered as HTML so a reader can start answering
	// while the engine downloads.
	Audiences []*Audience // audiences with questions, in site order
	Prepare   []string    // 开始前请准备
	Needs     []CalcNeed
	Steps     []CalcStep
	RulesHash string // short hash of rules.json, for the 申领清单's receipt code
}

// CalcNeed is one answer to "您想了解什么".
type CalcNeed struct {
	ID, Label, Hint string
	Audience        []string
	Measures        []string
}

// CalcStep is one step of questions on one topic.
type CalcStep struct {
	ID, Title, Hint string
	Audience        []string
	Needs           []string
	Questions       []Question
}

// Option is one answer of a choice question.
type Option struct{ Value, Label string }

// Question is a calculator question, for the no-JS listing of what is asked.
type Question struct {
	ID       string
	Label    string
	Help     string
	Audience []string
	Type     string // bool, number, choice
	Unit     string
	Integer  bool
	Min, Max string // "" = no bound
	Options  []Option
}

// Assets maps a theme asset's logical name ("main.css", "main.js",
// "calculator.js") to its content-hashed URL.
type Assets map[string]string
