// Package validate holds the checks that need the whole site: every internal
// link and anchor must resolve against the pages actually rendered.
package validate

import (
	"bytes"
	"html"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"

	"policyguide/calculator/diag"
	"policyguide/generator/model"
)

// Targets indexes rendered output: page URL → the ids defined on it.
type Targets map[string]map[string]bool

// IndexDuplicates builds the link targets from rendered files
// ("measures/m1/index.html" is the page "/measures/m1/"; any other file is
// its own URL) and returns, for each HTML file, the ids it defines more than
// once (sorted): a heading id that collides with an id of the layout around
// it, which breaks anchors and the page's labels.
//
// The pages are scanned for ` id="` as bytes, on all cores: a regular
// expression over every page was a fifth of a large build.
func IndexDuplicates(files map[string][]byte) (Targets, map[string][]string) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sets := make([]map[string]bool, len(names))
	twice := make([][]string, len(names))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(names); i += workers {
				sets[i] = map[string]bool{}
				if strings.HasSuffix(names[i], ".html") {
					twice[i] = scanIDs(files[names[i]], sets[i])
				}
			}
		}()
	}
	wg.Wait()
	t := make(Targets, len(names))
	dups := map[string][]string{}
	for i, name := range names {
		u := "/" + name
		if name == "index.html" {
			u = "/"
		} else if strings.HasSuffix(name, "/index.html") {
			u = "/" + strings.TrimSuffix(name, "index.html")
		}
		t[u] = sets[i]
		if len(twice[i]) > 0 {
			sort.Strings(twice[i])
			dups[name] = twice[i]
		}
	}
	return t, dups
}

// Duplicates reports each id defined twice on one page, at the content file
// the page comes from (fileOf maps an output file to it; when unknown, the
// output file is named).
func Duplicates(dups map[string][]string, fileOf map[string]string) diag.List {
	var errs diag.List
	for name, ids := range dups {
		src, ok := fileOf[name]
		if !ok {
			src = name
		}
		for _, id := range ids {
			errs.Add(diag.Pos{File: src, Line: 1, Col: 1}, "the page %s has two elements with id %q: a heading id collides with an id of the theme's layout; give the heading another {#id}", name, id)
		}
	}
	return errs
}

// scanIDs adds the value of every id="…" attribute (preceded by white space)
// in an HTML page to ids, and returns those it met more than once.
//
// It looks for d=" and then at the byte before it: bytes.Index searches
// for the first byte of what it looks for, and 'd' stops it less often
// than 'i' does in HTML.
func scanIDs(data []byte, ids map[string]bool) (twice []string) {
	marker := []byte(`d="`)
	for from := 1; from <= len(data); {
		j := bytes.Index(data[from:], marker)
		if j < 0 {
			return twice
		}
		q := from + j // the d of id="
		from = q + 1
		if data[q-1] != 'i' {
			continue
		}
		if k := q - 2; k < 0 || !isSpace(data[k]) {
			continue
		}
		start := q + len(marker)
		end := bytes.IndexByte(data[start:], '"')
		if end < 0 {
			return twice
		}
		v := data[start : start+end]
		id := string(v)
		if bytes.IndexByte(v, '&') >= 0 {
			id = html.UnescapeString(id)
		}
		if ids[id] {
			twice = append(twice, id)
		}
		ids[id] = true
		from = start + end + 2 // the closing quote is not the i of an id
	}
	return twice
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// Links checks content links. Site-relative links ("/measures/m1/#x") and
// same-page anchors ("#x") must resolve; relative paths are refused because
// they break when a page moves; links to other hosts are left alone.
func Links(t Targets, pages []model.Links) diag.List {
	var errs diag.List
	for _, p := range pages {
		for _, l := range p.Links {
			if msg := check(t, p.Page, l.Dest); msg != "" {
				errs.Add(l.Pos, "%s", msg)
			}
		}
	}
	return errs
}

func check(t Targets, page, dest string) string {
	if dest == "" {
		return "empty link"
	}
	u, err := url.Parse(dest)
	if err != nil {
		return "malformed link " + quote(dest)
	}
	if u.Scheme != "" || u.Host != "" {
		if u.Scheme == "mailto" || u.Scheme == "https" || u.Scheme == "http" || u.Scheme == "tel" {
			return ""
		}
		return "unsupported link scheme in " + quote(dest)
	}
	target := u.Path
	switch {
	case target == "":
		target = page
	case !strings.HasPrefix(target, "/"):
		return "relative link " + quote(dest) + ": write it from the site root, e.g. \"/measures/m1/\""
	}
	ids, ok := t[target]
	if !ok && !strings.HasSuffix(target, "/") {
		if _, isDir := t[target+"/"]; isDir {
			return "broken link " + quote(dest) + ": the page is " + quote(target+"/") + " (add the trailing slash)"
		}
	}
	if !ok {
		return "broken link " + quote(dest) + ": no such page" + suggest(t, target)
	}
	if u.Fragment != "" && !ids[u.Fragment] {
		return "broken anchor " + quote(dest) + ": page " + quote(target) + " has no element with id " + quote(u.Fragment)
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }

// suggest names up to three pages under the same section, to help fix typos.
func suggest(t Targets, target string) string {
	sec := strings.SplitAfterN(strings.TrimPrefix(target, "/"), "/", 2)[0]
	var near []string
	for u := range t {
		if sec != "" && strings.HasPrefix(u, "/"+sec) && strings.HasSuffix(u, "/") && u != "/"+sec {
			near = append(near, u)
		}
	}
	sort.Strings(near)
	if len(near) > 3 {
		near = near[:3]
	}
	if len(near) == 0 {
		return ""
	}
	return " (pages there include " + strings.Join(near, ", ") + ")"
}
