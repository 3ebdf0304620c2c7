package offline

import (
	"strings"
	"testing"
	"testing/fstest"
)

func site() map[string][]byte {
	return map[string][]byte{
		"index.html":            []byte("home"),
		"offline/index.html":    []byte("offline"),
		"calculator/index.html": []byte("calc"),
		"assets/main-1.css":     []byte("css"),
		"assets/calc-2.wasm":    []byte("wasm"),
	}
}

var theme = fstest.MapFS{"assets/sw.js": {Data: []byte("/* worker */\n")}}

func TestWorker(t *testing.T) {
	files := site()
	sw, err := Worker(theme, files, []string{"/assets/main-1.css", "/assets/calc-2.wasm", "/calculator/", "/assets/missing.js", "/data/rules.json"})
	if err != nil {
		t.Fatal(err)
	}
	got := string(sw)
	want := `self.PG = {"version":"` + Version(files) + `","precache":["offline/","assets/calc-2.wasm","assets/main-1.css","calculator/"],"offline":"offline/"};` + "\n/* worker */\n"
	if got != want {
		t.Errorf("sw.js:\n%s\nwant:\n%s", got, want)
	}
}

func TestVersion(t *testing.T) {
	a := site()
	v := Version(a)
	if len(v) != 16 {
		t.Fatalf("version %q", v)
	}
	b := site()
	b[Name] = []byte("an older worker")
	if Version(b) != v {
		t.Error("the worker itself changes the version")
	}
	b["calculator/index.html"] = []byte("calc2")
	if Version(b) == v {
		t.Error("a changed page keeps the version")
	}
	c := site()
	delete(c, "index.html")
	c["index.htmlhome"] = nil // same bytes run together, other files
	if Version(c) == v {
		t.Error("moving bytes between name and content keeps the version")
	}
}

func TestNoWorker(t *testing.T) {
	files := site()
	if sw, err := Worker(fstest.MapFS{}, files, nil); sw != nil || err != nil {
		t.Errorf("theme without sw.js: %q %v", sw, err)
	}
	delete(files, "offline/index.html")
	if sw, err := Worker(theme, files, nil); sw != nil || err != nil {
		t.Errorf("site without an offline page: %q %v", sw, err)
	}
	if strings.Contains(Name, "/") {
		t.Error("the worker must be at the site root")
	}
}
