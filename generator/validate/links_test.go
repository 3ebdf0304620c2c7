package validate

import (
	"bytes"
	"html"
	"reflect"
	"regexp"
	"testing"
)

// TestScanIDs: the byte scan finds exactly what the regular expression
// `\sid="([^"]*)"` found, entities unescaped.
func TestScanIDs(t *testing.T) {
	page := []byte(`<html id="top"><body><main id="main"><h2 id="谁可以享受">x</h2>` +
		`<a data-id="no" href="#a">x</a><p	id="tab&amp;amp">y</p><p id="">e</p>valid="no" <b id="unterminated`)
	got := map[string]bool{}
	scanIDs(page, got)
	want := map[string]bool{"top": true, "main": true, "谁可以享受": true, "tab&amp": true, "": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	re := regexp.MustCompile(`\sid="([^"]*)"`)
	if n := len(re.FindAllSubmatch(page, -1)); n != len(want) {
		t.Errorf("the regular expression finds %d ids, the scan %d", n, len(want))
	}
}

func FuzzScanIDs(f *testing.F) {
	f.Add([]byte(`<p id="a">`))
	f.Add([]byte(` id=" id="x"`))
	f.Fuzz(func(t *testing.T, page []byte) {
		re := regexp.MustCompile(`\sid="([^"]*)"`)
		want := map[string]bool{}
		for _, m := range re.FindAllSubmatch(page, -1) {
			want[string(m[1])] = true
		}
		got := map[string]bool{}
		scanIDs(page, got)
		for id := range want {
			if _, ok := got[id]; !ok && !containsAmp(id) {
				t.Errorf("missed id %q", id)
			}
		}
	})
}

func containsAmp(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '&' {
			return true
		}
	}
	return false
}

// scanIDsByID is the first byte scan (looking for id=" itself): scanIDs
// must give the same ids and repeats.
func scanIDsByID(data []byte, ids map[string]bool) (twice []string) {
	marker := []byte(`id="`)
	for i := 0; ; {
		j := bytes.Index(data[i:], marker)
		if j < 0 {
			return twice
		}
		start := i + j + len(marker)
		i = start
		if k := start - len(marker) - 1; k < 0 || !isSpace(data[k]) {
			continue
		}
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
		i = start + end + 1
	}
}

func FuzzScanIDsSame(f *testing.F) {
	for _, s := range []string{`<p id="a">x</p><p id="a">`, `id="x" id="y"`, ` id="`, ` id=""id="q" id="q"`, `did="x" <b	id="a&amp;b">`, `d="`, ` iid="x"`, `"id="x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, want := map[string]bool{}, map[string]bool{}
		gt, wt := scanIDs(data, got), scanIDsByID(data, want)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gt, wt) {
			t.Errorf("%q: %v %q, want %v %q", data, got, gt, want, wt)
		}
	})
}
