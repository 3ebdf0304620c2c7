// Package serve previews a site: it builds in memory, serves the files, and
// rebuilds when content or theme files change. Open pages reload themselves
// through a server-sent-events stream; a failed rebuild is shown on the page
// (the last good site stays served), not only in the terminal.
package serve

import (
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"policyguide/generator/build"
)

// Headers are the response headers a host should send with the site; serve
// sends them too, so the preview fails where production would (e.g. CSP).
var Headers = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
}

// Server holds the latest good build and the current build error.
type Server struct {
	opt   build.Options
	mu    sync.Mutex
	files map[string][]byte
	err   string
	subs  map[chan string]bool
}

// New returns a server for opt; call Rebuild before serving.
func New(opt build.Options) *Server {
	opt.LiveReload = true
	return &Server{opt: opt, subs: map[chan string]bool{}}
}

// Rebuild builds the site and tells every open page what happened.
func (s *Server) Rebuild() error {
	r, err := build.Generate(s.opt)
	s.mu.Lock()
	defer s.mu.Unlock()
	msg := "reload"
	if err != nil {
		s.err = err.Error()
		msg = "error:" + s.err
	} else {
		s.files, s.err = r.Files, ""
	}
	for ch := range s.subs {
		select {
		case ch <- msg:
		default: // a slow page misses one message; it gets the next
		}
	}
	return err
}

// Run serves on addr until the process ends.
func Run(addr string, opt build.Options, stdout, stderr io.Writer) error {
	s := New(opt)
	if err := s.Rebuild(); err != nil {
		fmt.Fprintln(stderr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "serving on http://%s/ (Ctrl+C to stop); watching %s\n", ln.Addr(), opt.Content)
	go s.watch(opt.Content, stdout, stderr)
	return http.Serve(ln, s)
}

// watch polls the content and theme folders; polling needs no dependency and
// is cheap at this size.
func (s *Server) watch(content string, stdout, stderr io.Writer) {
	dirs := []string{content, filepath.Join(filepath.Dir(filepath.Clean(content)), "themes")}
	last := fingerprint(dirs)
	for range time.Tick(300 * time.Millisecond) {
		if f := fingerprint(dirs); f != last {
			last = f
			start := time.Now()
			if err := s.Rebuild(); err != nil {
				fmt.Fprintln(stderr, err)
			} else {
				fmt.Fprintf(stdout, "rebuilt in %v\n", time.Since(start).Round(time.Millisecond))
			}
		}
	}
}

func fingerprint(dirs []string) uint64 {
	h := fnv.New64a()
	for _, d := range dirs {
		filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			if info, err := e.Info(); err == nil {
				fmt.Fprintf(h, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return h.Sum64()
}

const reloadScript = `(function(){var es=new EventSource("/__livereload");es.onmessage=function(e){if(e.data==="reload"){location.reload();}};})();`

// ServeHTTP serves the live-reload stream, then files of the latest build.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range Headers {
		w.Header().Set(k, v)
	}
	switch r.URL.Path {
	case "/__livereload":
		s.events(w, r)
		return
	case "/__livereload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, reloadScript)
		return
	}
	s.mu.Lock()
	files, buildErr := s.files, s.err
	s.mu.Unlock()
	if files == nil { // no good build yet: show the error itself
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>构建失败</title><h1>构建失败 Build failed</h1><pre>%s</pre><script src=\"/__livereload.js\"></script></html>", html.EscapeString(buildErr))
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && name != "" {
		name += "/"
	}
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	data, ok := files[name]
	if !ok {
		if _, dir := files[name+"/index.html"]; dir {
			http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write(files["404.html"])
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(data)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	ch := make(chan string, 4)
	s.mu.Lock()
	s.subs[ch] = true
	if s.err != "" {
		ch <- "error:" + s.err
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}()
	io.WriteString(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-ch:
			for _, line := range strings.Split(msg, "\n") { // SSE data is line-based
				fmt.Fprintf(w, "data: %s\n", line)
			}
			io.WriteString(w, "\n")
			fl.Flush()
		}
	}
}

func init() {
	mime.AddExtensionType(".wasm", "application/wasm")
}
