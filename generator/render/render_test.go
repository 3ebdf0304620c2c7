package render

import (
	"bytes"
	"encoding/xml"
	"flag"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	sitetheme "policyguide/generator/theme"
	theme "policyguide/themes/default"
)

var (
	update     = flag.Bool("update", false, "rewrite the golden files in testdata/golden")
	fixtureOut = flag.String("fixture-out", "", "write the rendered fixture site (with the theme's unbundled assets) to this `dir`, to look at it in a browser")
)

func renderFixture(t *testing.T, opt Options) map[string][]byte {
	t.Helper()
	files, err := Render(fixture(), fixtureAssets, theme.FS, opt)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGolden(t *testing.T) {
	files := renderFixture(t, Options{})
	for _, name := range []string{"index.html", "measures/m1/index.html", "document/index.html",
		"calculator/index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt"} {
		got, ok := files[name]
		if !ok {
			t.Errorf("%s not rendered", name)
			continue
		}
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(name, "/", "_"))
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./generator/render -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (if the change is intended: go test ./generator/render -update)\n%s", name, golden, firstDiff(got, want))
		}
	}
	if *fixtureOut != "" {
		writeFixture(t, files, *fixtureOut)
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + gl + "\nwant: " + wl
		}
	}
	return ""
}

// writeFixture writes the site plus the theme's raw CSS/JS at the fixture's
// asset URLs, so a browser shows it as a real build would.
func writeFixture(t *testing.T, files map[string][]byte, dir string) {
	all := map[string][]byte{}
	for k, v := range files {
		all[k] = v
	}
	for name, u := range fixtureAssets {
		b, err := fs.ReadFile(theme.FS, "assets/"+name)
		if err != nil {
			continue // calculator assets come from another part of the build
		}
		all[strings.TrimPrefix(u, "/")] = b
	}
	for k, v := range all {
		p := filepath.Join(dir, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, v, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPagesRendered(t *testing.T) {
	files := renderFixture(t, Options{})
	want := []string{"index.html", "measures/index.html", "measures/m1/index.html", "measures/m2/index.html",
		"measures/m3/index.html", "categories/index.html", "categories/employers/index.html",
		"categories/youth/index.html", "departments/index.html", "departments/hrss/index.html",
		"departments/finance/index.html", "audiences/index.html", "audiences/enterprises/index.html",
		"document/index.html", "calculator/index.html", "about/index.html", "404.html",
		"sitemap.xml", "robots.txt", "feed.xml", "favicon.ico", "search/index.html", "offline/index.html",
		"opensearch.xml"}
	var got []string
	for k := range files {
		got = append(got, k)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDeterministic(t *testing.T) {
	a := renderFixture(t, Options{})
	for i := 0; i < 3; i++ {
		b := renderFixture(t, Options{})
		if len(a) != len(b) {
			t.Fatalf("file count differs: %d vs %d", len(a), len(b))
		}
		for k, v := range a {
			if !bytes.Equal(v, b[k]) {
				t.Fatalf("%s differs between two renders", k)
			}
		}
	}
}

var (
	anyURL       = regexp.MustCompile(`https?://[^\s"'<>)]+`)
	scriptTag    = regexp.MustCompile(`(?s)<script\b([^>]*)>(.*?)</script>`)
	styleAttr    = regexp.MustCompile(`(?i)<[^>]+\sstyle\s*=`)
	xmlNamespace = map[string]bool{"http://www.sitemaps.org/schemas/sitemap/0.9": true, "http://www.w3.org/2005/Atom": true,
		"http://a9.com/-/spec/opensearch/1.1/": true}
)

// TestNoThirdParty: no URL to another host (only BaseURL-based ones), no
// inline script bodies, no style attributes or elements (the CSP forbids them).
func TestNoThirdParty(t *testing.T) {
	s := fixture()
	files := renderFixture(t, Options{LiveReload: true})
	for name, b := range files {
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".txt") {
			continue
		}
		for _, u := range anyURL.FindAllString(string(b), -1) {
			if !strings.HasPrefix(u, s.BaseURL+"/") && !xmlNamespace[u] {
				t.Errorf("%s: third-party URL %s", name, u)
			}
		}
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		for _, m := range scriptTag.FindAllStringSubmatch(string(b), -1) {
			if strings.TrimSpace(m[2]) != "" || !strings.Contains(m[1], "src=") {
				t.Errorf("%s: inline script %q", name, m[0])
			}
		}
		if styleAttr.Match(b) || bytes.Contains(b, []byte("<style")) {
			t.Errorf("%s: inline style", name)
		}
	}
}

var (
	hrefSrc = regexp.MustCompile(`\s(?:href|src|data-root|data-rules|data-measures|data-wasm|data-wasm-exec)="([^"]*)"`)
	idRe    = regexp.MustCompile(`\sid="([^"]*)"`)
)

// TestLinksResolve resolves every link of every page the way a browser
// would (relative to the page's URL under the base URL) and checks that the
// target file and anchor exist in the output.
func TestLinksResolve(t *testing.T) {
	s := fixture()
	files := renderFixture(t, Options{})
	base, _ := url.Parse(s.BaseURL + "/")
	ids := map[string]map[string]bool{}
	for name, b := range files {
		set := map[string]bool{}
		for _, m := range idRe.FindAllSubmatch(b, -1) {
			set[html.UnescapeString(string(m[1]))] = true
		}
		ids[name] = set
	}
	// Assets and the calculator's data are written by other build stages.
	external := map[string]bool{"data/rules.json": true, "data/measures.json": true}
	for _, u := range fixtureAssets {
		external[strings.TrimPrefix(u, "/")] = true
	}
	external[strings.TrimPrefix(s.Calculator.WasmURL, "/")] = true
	external[strings.TrimPrefix(s.Calculator.WasmExecURL, "/")] = true

	for name, b := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pageURL := base.ResolveReference(&url.URL{Path: strings.TrimSuffix(name, "index.html")})
		if name == "404.html" {
			pageURL = base.ResolveReference(&url.URL{Path: "some/missing/page/"}) // served anywhere
		}
		for _, m := range hrefSrc.FindAllSubmatch(b, -1) {
			raw := html.UnescapeString(string(m[1]))
			ref, err := url.Parse(raw)
			if err != nil {
				t.Errorf("%s: bad URL %q", name, raw)
				continue
			}
			if ref.Path == "" && ref.Host == "" { // same page
				if !ids[name][ref.Fragment] {
					t.Errorf("%s: %q: no such id on the page", name, raw)
				}
				continue
			}
			u := pageURL.ResolveReference(ref)
			if u.Host != base.Host {
				continue // checked by TestNoThirdParty
			}
			if !strings.HasPrefix(u.Path, base.Path) {
				t.Errorf("%s: %q leaves the site (%s)", name, raw, u.Path)
				continue
			}
			target := strings.TrimPrefix(u.Path, base.Path)
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			if external[target] {
				continue
			}
			if _, ok := files[target]; !ok {
				t.Errorf("%s: %q → %s: no such file", name, raw, target)
				continue
			}
			if u.Fragment != "" && !ids[target][u.Fragment] {
				t.Errorf("%s: %q: %s has no id %q", name, raw, target, u.Fragment)
			}
		}
	}
}

func TestRelativeURLs(t *testing.T) {
	files := renderFixture(t, Options{})
	check := func(name, want string) {
		t.Helper()
		if !bytes.Contains(files[name], []byte(want)) {
			t.Errorf("%s lacks %s", name, want)
		}
	}
	check("measures/m1/index.html", `href="../../document/#p5"`)
	check("measures/m1/index.html", `href="../../assets/main-1a2b3c4d.css"`)
	check("measures/m1/index.html", `<link rel="canonical" href="https://example.org/shili-jobs/measures/m1/">`)
	check("index.html", `href="./measures/"`)
	check("calculator/index.html", `data-rules="../data/rules.json"`)
	check("404.html", `href="https://example.org/shili-jobs/assets/main-1a2b3c4d.css"`)
	check("404.html", `href="https://example.org/shili-jobs/measures/"`)
	if bytes.Contains(files["404.html"], []byte(`="/shili-jobs/`)) {
		t.Error("404.html hard-codes the base path")
	}
	check("robots.txt", "Sitemap: https://example.org/shili-jobs/sitemap.xml")
}

func TestLiveReload(t *testing.T) {
	on := renderFixture(t, Options{LiveReload: true})
	off := renderFixture(t, Options{})
	for name, b := range on {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		if !bytes.Contains(b, []byte(`<html lang="zh-CN" data-livereload="/__livereload">`)) {
			t.Errorf("%s: no data-livereload", name)
		}
		if bytes.Contains(off[name], []byte("data-livereload")) {
			t.Errorf("%s: data-livereload without the option", name)
		}
	}
}

func TestPageContent(t *testing.T) {
	files := renderFixture(t, Options{})
	has := func(name string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(string(files[name]), w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
	lacks := func(name string, bad ...string) {
		t.Helper()
		for _, w := range bad {
			if strings.Contains(string(files[name]), w) {
				t.Errorf("%s has %q", name, w)
			}
		}
	}
	has("index.html", "截至2026年3月1日，以下措施的实施期限已届满：", "第1条 一次性吸纳就业补贴", "以下措施只有部分内容写明了截止日期", "剩余期限见习补贴：2025年12月31日届满", "我是企业或单位")
	lacks("index.html", "文件未规定截止日期")
	// Validity per part: the measure is not expired, one part is.
	has("measures/m3/index.html", "部分内容已到期：", "剩余期限见习补贴：2025年12月31日届满", "本条其他内容，文件未写明截止日期", "负责部门（按文件所列）")
	lacks("measures/m3/index.html", "已到期：</strong>本措施", "牵头部门")
	has("measures/m1/index.html", "牵头部门（文件写明“牵头”）", "其他负责部门（按文件所列）")
	has("measures/index.html", "部分内容已到期")
	has("measures/m1/index.html", "已到期：", "本措施的实施期限已于2025年12月31日届满", `class="toc"`, `class="table-wrap"`, "打开政策计算器", "就业补助资金", `rel="next"`)
	lacks("measures/m1/index.html", `rel="prev"`, "calculator-3a4b5c6d.js")
	lacks("measures/m2/index.html", "已到期：", `class="toc"`, "打开政策计算器")
	has("measures/m3/index.html", `rel="prev"`)
	has("document/index.html", `<p class="para" id="p5">`, `<h4 class="para para-2" id="p4">`, "示政发〔2025〕7号", "2025年6月30日", "解读：第1条")
	has("calculator/index.html", "<noscript>", `id="calc-app"`, "calculator-3a4b5c6d.js", "calculator-9c0d1e2f.css", "贵单位今年吸纳了几名登记失业人员？")
	has("departments/finance/index.html", "按文件所列为负责部门的措施2项", "列为负责部门的措施（按文件所列）", "就业见习")
	lacks("departments/finance/index.html", "牵头0项", "牵头的措施")
	has("departments/hrss/index.html", "文件写明由其牵头的措施2项", "按文件所列为负责部门的其他措施1项")
	has("departments/index.html", "牵头2项 · 另列为负责部门1项", "列为负责部门2项")
	// The site's publisher is a setting; the document's issuer is shown with the document.
	has("404.html", "本站发布：示例市人民政府办公室")
	lacks("404.html", "发布单位")
	lacks("departments/finance/index.html", `id="lead-title"`)
	has("measures/index.html", `aria-current="page">全部措施`)
	has("measures/m1/index.html", `aria-current="true">全部措施`)
	// One h1 on every page.
	for name, b := range files {
		if strings.HasSuffix(name, ".html") && bytes.Count(b, []byte("<h1")) != 1 {
			t.Errorf("%s has %d h1", name, bytes.Count(b, []byte("<h1")))
		}
	}
}

func TestFreePageClash(t *testing.T) {
	s := fixture()
	s.Pages[0].ID = "measures"
	if _, err := Render(s, fixtureAssets, theme.FS, Options{}); err == nil || !strings.Contains(err.Error(), `page id "measures"`) {
		t.Errorf("err = %v", err)
	}
}

func TestLayer(t *testing.T) {
	top := fstest.MapFS{
		"layouts/404.html":        {Data: []byte(`{{define "main"}}<h1>自定义404</h1>{{end}}`)},
		"static/robots-extra.txt": {Data: []byte("x")},
	}
	th := sitetheme.Layer(top, theme.FS)
	if err := fstest.TestFS(th, "layouts/404.html", "layouts/home.html", "static/robots-extra.txt", "static/favicon.ico"); err != nil {
		t.Fatal(err)
	}
	files, err := Render(fixture(), fixtureAssets, th, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(files["404.html"], []byte("自定义404")) {
		t.Error("404.html not overridden")
	}
	if files["robots-extra.txt"] == nil || files["favicon.ico"] == nil {
		t.Error("static files of both layers not copied")
	}
	entries, _ := fs.ReadDir(th, "layouts")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !sortedUnique(names) {
		t.Errorf("merged ReadDir not sorted/unique: %v", names)
	}
}

func sortedUnique(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] >= s[i] {
			return false
		}
	}
	return true
}

func TestMissingLayout(t *testing.T) {
	words, _ := fs.ReadFile(theme.FS, "words.toml")
	th := fstest.MapFS{"layouts/baseof.html": {Data: []byte(`{{define "base"}}{{end}}`)}, "words.toml": {Data: words}}
	_, err := Render(fixture(), nil, th, Options{})
	if err == nil || !strings.Contains(err.Error(), "home.html") {
		t.Errorf("err = %v", err)
	}
}

// TestThemeWords: the generator's words come from the theme's words.toml;
// a missing key or a wrong field is a build error naming it.
func TestThemeWords(t *testing.T) {
	words, _ := fs.ReadFile(theme.FS, "words.toml")
	en := strings.Replace(string(words), `home = "首页"`, `home = "Home"`, 1)
	r, err := Render(fixture(), fixtureAssets, sitetheme.Layer(fstest.MapFS{"words.toml": {Data: []byte(en)}}, theme.FS), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(r["measures/index.html"]), ">Home</a>") {
		t.Error("the breadcrumb does not use the theme's word for home")
	}
	for name, src := range map[string]string{
		"missing key": strings.Replace(string(words), `search = "搜索"`, ``, 1),
		"wrong field": strings.Replace(string(words), `面向{{.Name}}的措施`, `面向{{.Nope}}的措施`, 1),
	} {
		_, err := Render(fixture(), fixtureAssets, sitetheme.Layer(fstest.MapFS{"words.toml": {Data: []byte(src)}}, theme.FS), Options{})
		if err == nil || !strings.Contains(err.Error(), "words.toml") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestTemplateErrorNamesPage(t *testing.T) {
	th := sitetheme.Layer(fstest.MapFS{"layouts/measure.html": {Data: []byte(`{{define "main"}}{{.Measure.Nope}}{{end}}`)}}, theme.FS)
	_, err := Render(fixture(), fixtureAssets, th, Options{})
	if err == nil || !strings.Contains(err.Error(), "measures/m1/index.html") {
		t.Errorf("err = %v", err)
	}
}

func TestChineseDate(t *testing.T) {
	s := fixture()
	if got := chineseDate(s.Measures[0].ValidUntil); got != "2025年12月31日" {
		t.Errorf("got %q", got)
	}
	if got := chineseDate(s.Measures[2].ValidUntil); got != "" {
		t.Errorf("zero date: got %q", got)
	}
}

// BenchmarkRender renders a synthetic site of 2,000 measures.
func BenchmarkRender(b *testing.B) {
	s := fixture()
	base := s.Measures[0]
	s.Measures = nil
	for i := 0; i < 2000; i++ {
		m := *base
		m.ID = "m" + strconv.Itoa(i+1)
		m.Order = i + 1
		s.Measures = append(s.Measures, &m)
	}
	s.Categories[0].Measures = s.Measures
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(s, fixtureAssets, theme.FS, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(s.Measures)*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// TestNoPublisher: without a publisher setting no page names one (the
// document's issuer is not the site's publisher).
func TestNoPublisher(t *testing.T) {
	s := fixture()
	s.Publisher = ""
	files, err := Render(s, fixtureAssets, theme.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if bytes.Contains(b, []byte("发布单位")) || bytes.Contains(b, []byte("本站发布")) {
			t.Errorf("%s names a publisher", name)
		}
	}
	if feed := string(files["feed.xml"]); !strings.Contains(feed, "<author><name>"+s.Title+"</name></author>") {
		t.Errorf("feed author should fall back to the site title:\n%s", feed)
	}
}

// TestXMLEscapeAsEncodingXML: the fast path gives encoding/xml's bytes.
func TestXMLEscapeAsEncodingXML(t *testing.T) {
	for _, in := range []string{"", "第1条 支持就业", "https://example.org/a/?x=1&y=2", "<b>", "it's \"q\"",
		"tab\there", "line\nbreak", "cr\r", "\x00\x01", "bad \xff utf8", "\uFFFE\uFFFF", "\uFFFD replacement", "😀 emoji", "\u2028", "\ud7ff\ue000"} {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(in))
		if got := xmlEscape(in); got != b.String() {
			t.Errorf("xmlEscape(%q) = %q, encoding/xml %q", in, got, b.String())
		}
	}
}

func FuzzXMLEscape(f *testing.F) {
	f.Add("第1条 <支持> & 就业\n")
	f.Fuzz(func(t *testing.T, in string) {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(in))
		if got := xmlEscape(in); got != b.String() {
			t.Errorf("xmlEscape(%q) = %q, encoding/xml %q", in, got, b.String())
		}
	})
}
