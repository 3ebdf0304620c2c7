package bundle

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func testTheme() fstest.MapFS {
	return fstest.MapFS{
		"assets/main.css": {Data: []byte("@import './base.css';\n\n.notice  {\n  color: #ff0000;\n  background: url(./img/mark.svg) no-repeat;\n}\n" +
			".notice::before { content: \"注意：\"; }\n.logo { background: url(/static/logo.png) }\n")},
		"assets/base.css":     {Data: []byte("body {\n  margin: 0;\n  font-family: system-ui, \"PingFang SC\", \"Microsoft YaHei\", sans-serif;\n}\n")},
		"assets/img/mark.svg": {Data: []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")},
		"assets/main.js": {Data: []byte("import { label } from './lib/label.js';\n\n" +
			"const greetingMessage = '欢迎使用政策指南';\n" +
			"document.addEventListener('DOMContentLoaded', function () {\n  document.title = label(greetingMessage);\n});\n")},
		"assets/lib/label.js": {Data: []byte("export function label(longParameterName) {\n  return longParameterName + '（试用）';\n}\n")},
		"assets/unused.js":    {Data: []byte("syntax error here ((")},
	}
}

func TestBundle(t *testing.T) {
	files, urls, err := Bundle(testTheme(), []string{"main.css", "main.js", "calculator.js", "calculator.css"})
	if err != nil {
		t.Fatal(err)
	}
	hashed := regexp.MustCompile(`^/assets/main-[A-Z0-9]{8}\.(css|js)$`)
	if len(urls) != 2 || !hashed.MatchString(urls["main.css"]) || !hashed.MatchString(urls["main.js"]) {
		t.Fatalf("urls = %v", urls)
	}
	css := files[strings.TrimPrefix(urls["main.css"], "/")]
	js := files[strings.TrimPrefix(urls["main.js"], "/")]
	if css == nil || js == nil {
		t.Fatalf("files %v lack the outputs of %v", keys(files), urls)
	}
	// Bundled (the import is inlined), minified, Chinese kept as UTF-8.
	for _, want := range []string{"body{margin:0;", "color:red", `content:"注意："`, "url(/static/logo.png)"} {
		if !bytes.Contains(css, []byte(want)) {
			t.Errorf("CSS lacks %q:\n%s", want, css)
		}
	}
	if bytes.Contains(css, []byte("@import")) || bytes.Contains(css, []byte("\n.")) {
		t.Errorf("CSS not bundled/minified:\n%s", css)
	}
	for _, want := range []string{"欢迎使用政策指南", "（试用）", "DOMContentLoaded"} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("JS lacks %q:\n%s", want, js)
		}
	}
	for _, bad := range []string{`\u`, "longParameterName", "greetingMessage", "import "} {
		if bytes.Contains(js, []byte(bad)) {
			t.Errorf("JS contains %q (escaped, not minified or not bundled):\n%s", bad, js)
		}
	}
	// The image referenced from CSS is emitted under a hashed name too.
	var svg string
	for name := range files {
		if strings.HasSuffix(name, ".svg") {
			svg = name
		}
	}
	if !regexp.MustCompile(`^assets/mark-[A-Z0-9]{8}\.svg$`).MatchString(svg) || !bytes.Contains(css, []byte(strings.TrimPrefix(svg, "assets/"))) {
		t.Errorf("svg output %q not referenced by CSS:\n%s", svg, css)
	}
}

func TestBundleDeterministic(t *testing.T) {
	f1, u1, err := Bundle(testTheme(), []string{"main.css", "main.js"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		f2, u2, err := Bundle(testTheme(), []string{"main.js", "main.css"})
		if err != nil {
			t.Fatal(err)
		}
		if len(f1) != len(f2) || len(u1) != len(u2) {
			t.Fatalf("different outputs: %v vs %v", keys(f1), keys(f2))
		}
		for k, v := range f1 {
			if !bytes.Equal(v, f2[k]) {
				t.Fatalf("%s differs between runs", k)
			}
		}
		for k, v := range u1 {
			if u2[k] != v {
				t.Fatalf("url %s: %s vs %s", k, v, u2[k])
			}
		}
	}
	// A content change changes the hash.
	theme := testTheme()
	theme["assets/base.css"] = &fstest.MapFile{Data: []byte("body{margin:1px}")}
	_, u3, err := Bundle(theme, []string{"main.css", "main.js"})
	if err != nil {
		t.Fatal(err)
	}
	if u3["main.css"] == u1["main.css"] || u3["main.js"] != u1["main.js"] {
		t.Errorf("hashes: before %v, after %v", u1, u3)
	}
}

func TestBundleErrors(t *testing.T) {
	for name, theme := range map[string]fstest.MapFS{
		"syntax":   {"assets/main.js": {Data: []byte("let = (;")}},
		"missing":  {"assets/main.js": {Data: []byte("import './nope.js'")}},
		"npm":      {"assets/main.js": {Data: []byte("import 'left-pad'")}},
		"escaping": {"assets/main.js": {Data: []byte("import '../../x.js'")}},
	} {
		if _, _, err := Bundle(theme, []string{"main.js"}); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), "main.js:1:") {
			t.Errorf("%s: error lacks a position: %v", name, err)
		}
	}
	if _, _, err := Bundle(testTheme(), []string{"../x.css"}); err == nil {
		t.Error("bad entry name accepted")
	}
	files, urls, err := Bundle(testTheme(), []string{"nothing.css"})
	if err != nil || len(files) != 0 || len(urls) != 0 {
		t.Errorf("no entries: %v %v %v", files, urls, err)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestBundleKeptResult: the kept result is given again only for the same
// theme files, and a caller changing what it got changes nothing kept.
func TestBundleKeptResult(t *testing.T) {
	entries := []string{"main.css", "main.js"}
	f1, u1, err := Bundle(testTheme(), entries)
	if err != nil {
		t.Fatal(err)
	}
	for k := range f1 {
		f1[k] = []byte("changed by the caller")
	}
	u1["main.css"] = "/changed"
	changed := testTheme()
	changed["assets/main.js"] = &fstest.MapFile{Data: []byte("console.log(2)")}
	_, u2, err := Bundle(changed, entries)
	if err != nil {
		t.Fatal(err)
	}
	f3, u3, err := Bundle(testTheme(), entries)
	if err != nil {
		t.Fatal(err)
	}
	if u2["main.js"] == u3["main.js"] {
		t.Errorf("a changed main.js kept its URL %s", u2["main.js"])
	}
	if u3["main.css"] == "/changed" {
		t.Error("the caller's change reached the kept URLs")
	}
	for k, v := range f3 {
		if string(v) == "changed by the caller" {
			t.Errorf("the caller's change reached the kept %s", k)
		}
	}
}
