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
	Org         string // the organisation that publishes the site
	Menus       []MenuItem
	Footer      string    // plain text
	BuildDate   time.Time // reference date of the build (expiry notices); date only, UTC
	Updated     time.Time // content date for the feed, from site.toml; never the wall clock

	Categories  []*Category   // in site.toml order
	Audiences   []*Audience   // in site.toml order
	Departments []*Department // in departments.toml order
	Measures    []*Measure    // in document order (Order)
	Document    *Document
	Pages       []*Page // free pages (about, how to use), content/pages/*.md

	// Calculator is nil when the content has no rules.
	Calculator *Calculator
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
	ID      string // ASCII, URL /departments/<id>/
	Name    string // exactly as the document writes it, e.g. "市人社局"
	Lead    []*Measure
	Partner []*Measure
}

// Measure is one work measure or safeguard.
type Measure struct {
	ID         string // ASCII, URL /measures/<id>/, e.g. "m1", "s2"
	Order      int    // position in the document, for sorting
	Label      string // "第1条", "保障措施（一）"
	Title      string
	Summary    string // one plain sentence for lists and Open Graph
	Category   *Category
	Lead       []*Department
	Partners   []*Department
	Duty       string // the document's words on responsibility, e.g. "按职责分工负责，县区政府落实"
	Audiences  []*Audience
	ValidUntil time.Time  // zero: the document gives no end date
	ValidNote  string     // e.g. "文件未规定截止日期" or the document's words
	Funds      []string   // fund sources the document names
	Paragraph  *Paragraph // the source paragraph it comes from
	Body       template.HTML
	TOC        []Heading
	Benefits   []string // ids of calculator benefits for this measure (may be empty)
	File       string   // content path, for "edit this page"
}

// Expired reports whether the measure's validity ended before day.
func (m *Measure) Expired(day time.Time) bool {
	return !m.ValidUntil.IsZero() && day.After(m.ValidUntil)
}

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
}

// Paragraph is one paragraph of the source document with a stable anchor.
type Paragraph struct {
	Anchor string // "p13": the paragraph's line number in the source file
	Level  int    // 0 body text, 1 title, 2 "一、" heading, 3 "（一）" heading
	Text   string
	// Measure is the measure this paragraph is the source of, if any.
	Measure *Measure
}

// URL is the site-relative link to the paragraph on the document page.
func (p *Paragraph) URL() string { return "/document/#" + p.Anchor }

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
