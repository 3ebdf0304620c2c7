// Package serve previews a site: it builds in memory, serves the files, and
// rebuilds when content or theme files change. Open pages reload themselves
// through a server-sent-events stream; a failed rebuild is shown on the page
// (the last good site stays served), not only in the terminal.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"policyguide/generator/pipeline"
	defaulttheme "policyguide/themes/default"
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
	opt      pipeline.Options
	mu       sync.Mutex
	files    map[string][]byte // the last good build
	notFound []byte            // its 404.html with the site's absolute base URL mapped to "/"
	err      string
	subs     map[chan string]bool
	gen      int             // the newest build's number
	draft    *pipeline.Draft // the newest build's pages while it finishes (or failed to)
	// finishing is closed when the newest build's background stages end;
	// cancel stops them.
	finishing chan struct{}
	cancel    context.CancelFunc

	// Hosts are the host names (without port) a request may name besides
	// localhost and the loopback addresses: the listen address's host. Any
	// other Host header is refused, so a web page cannot read the preview
	// through DNS rebinding. Set by Run; when AnyIP is set (listening on
	// every interface), IP literals are allowed too (rebinding needs a name).
	Hosts []string
	AnyIP bool
	// MaxStreams caps the open live-reload streams (0: DefaultMaxStreams).
	MaxStreams int
}

// DefaultMaxStreams is the cap on live-reload streams: far more tabs than a
// person previews, few enough that a client cannot exhaust the server.
const DefaultMaxStreams = 32

// Timeouts of the preview server: a client that sends a request slowly, or
// never, is dropped instead of holding a connection.
var Timeouts = struct{ ReadHeader, Read, Write, Idle time.Duration }{
	ReadHeader: 5 * time.Second, Read: 15 * time.Second, Write: 30 * time.Second, Idle: 60 * time.Second,
}

// New returns a server for opt; call Rebuild before serving.
func New(opt pipeline.Options) *Server {
	opt.LiveReload = true
	if opt.Cache == nil {
		// A save re-reads only what changed; the first build starts from
		// the Markdown the last build kept.
		opt.Cache = pipeline.KeptCache(opt)
	}
	return &Server{opt: opt, subs: map[chan string]bool{}}
}

// HTTPServer returns an http.Server for s with the preview's timeouts.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: Timeouts.ReadHeader,
		ReadTimeout:       Timeouts.Read,
		WriteTimeout:      Timeouts.Write,
		IdleTimeout:       Timeouts.Idle,
		MaxHeaderBytes:    64 << 10,
	}
}

// Rebuild builds the whole site and tells every open page what happened;
// it returns when the build is done.
func (s *Server) Rebuild() error {
	done, err := s.Update()
	if err != nil {
		return err
	}
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != "" {
		return errors.New(s.err)
	}
	return nil
}

// Update rebuilds incrementally, the way the watcher does: it prepares the
// site (load … model), then tells open pages to reload at once and renders
// each page when it is asked for, while the rest of the build (search
// index, open data, every page, the link check) finishes in the background;
// done is closed when it has. A later Update supersedes an unfinished one.
// When the finishing stages fail, the error goes to open pages and the
// draft's pages stay served (so staff see their edit and the problem);
// other files stay those of the last good build.
func (s *Server) Update() (done <-chan struct{}, err error) {
	finished := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.finishing = finished
	if s.cancel != nil {
		s.cancel() // the superseded build's background stages stop
	}
	s.cancel = cancel
	s.mu.Unlock()
	p, err := pipeline.Prepare(s.opt)
	var d *pipeline.Draft
	if err == nil {
		d, err = p.Draft()
	}
	if err != nil {
		s.settle(gen, nil, nil, err)
		cancel()
		close(finished)
		return finished, err
	}
	s.mu.Lock()
	if gen == s.gen {
		// An earlier build's error is over: a page that connects now must
		// not be shown it (the finishing stages report their own).
		s.draft, s.err = d, ""
	}
	s.mu.Unlock()
	s.broadcast(gen, "reload")
	go func() {
		defer close(finished)
		defer cancel()
		r, err := p.Finish(ctx)
		s.settle(gen, d, r, err)
	}()
	return finished, nil
}

// settle records the end of build gen (unless a newer one started) and
// tells open pages about an error.
func (s *Server) settle(gen int, d *pipeline.Draft, r *pipeline.Result, err error) {
	s.mu.Lock()
	if gen != s.gen {
		s.mu.Unlock()
		return
	}
	if err != nil {
		s.err = err.Error()
		s.draft = d // nil when even the draft failed: the last good site
	} else {
		s.files, s.err, s.draft = r.Files, "", nil
		s.notFound = localNotFound(r.Files["404.html"], r.Site.BaseURL)
	}
	s.mu.Unlock()
	if err != nil {
		s.broadcast(gen, "error:"+err.Error())
	}
}

// buildErr is the newest build's error, or "".
func (s *Server) buildErr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// localNotFound is the 404 page with the site's absolute address mapped to
// this server's root: the page links there because a host serves it at any
// path.
func localNotFound(page []byte, baseURL string) []byte {
	if base := strings.TrimRight(baseURL, "/"); base != "" {
		return bytes.ReplaceAll(page, []byte(`="`+base+`/`), []byte(`="/`))
	}
	return page
}

// broadcast sends msg to every open page, unless build gen is superseded.
func (s *Server) broadcast(gen int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return
	}
	for ch := range s.subs {
		select {
		case ch <- msg:
		default: // a slow page misses one message; it gets the next
		}
	}
}

// Run serves on addr until the process ends.
func Run(addr string, opt pipeline.Options, stdout, stderr io.Writer) error {
	s := New(opt)
	if err := s.Rebuild(); err != nil {
		fmt.Fprintln(stderr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.Hosts, s.AnyIP = listenHosts(addr)
	fmt.Fprintf(stdout, "serving on http://%s/ (Ctrl+C to stop); watching %s\n", ln.Addr(), opt.Content)
	go s.watch(opt.Content, stdout, stderr)
	return s.HTTPServer().Serve(ln)
}

// listenHosts returns the host of a listen address as an allowed Host name,
// and whether the address listens on every interface ("", 0.0.0.0, ::).
func listenHosts(addr string) ([]string, bool) {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		h = addr
	}
	if ip := net.ParseIP(h); h == "" || ip != nil && ip.IsUnspecified() {
		return nil, true
	}
	return []string{strings.ToLower(h)}, false
}

// allowedHost reports whether a request's Host header names this server:
// localhost, a loopback address, the listen host, or (AnyIP) an IP literal.
func (s *Server) allowedHost(hostport string) bool {
	h := hostport
	if hh, _, err := net.SplitHostPort(hostport); err == nil {
		h = hh
	}
	h = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if ip := net.ParseIP(h); ip != nil && (ip.IsLoopback() || s.AnyIP) {
		return true
	}
	for _, a := range s.Hosts {
		if h == strings.Trim(a, "[]") {
			return true
		}
	}
	return false
}

// watch rebuilds when a file under the content or theme folder changes. It
// uses the system's file notifications (inotify, kqueue, …), so an idle
// preview costs no CPU; a burst of events (an editor's save writes a
// temporary file, renames it, changes modes) is one rebuild after a quiet
// Debounce. Folders created later are watched too.
func (s *Server) watch(content string, stdout, stderr io.Writer) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		fmt.Fprintln(stderr, "serve: file notifications unavailable, watching by polling:", err)
		s.poll(content, stdout, stderr)
		return
	}
	defer w.Close()
	for _, d := range watchRoots(content) {
		addTree(w, d)
	}
	rebuild := func() {
		start := time.Now()
		done, err := s.Update()
		if err != nil {
			fmt.Fprintln(stderr, err)
			return
		}
		ready := time.Since(start)
		go func() { // the next save need not wait for this build's end
			<-done
			if err := s.buildErr(); err != "" {
				fmt.Fprintln(stderr, err)
				return
			}
			fmt.Fprintf(stdout, "pages ready in %v, whole site in %v\n", ready.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
		}()
	}
	var quiet <-chan time.Time
	for {
		select {
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					addTree(w, ev.Name)
				}
			}
			if ev.Op == fsnotify.Chmod {
				continue // modes do not change the site
			}
			quiet = time.After(Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintln(stderr, "serve:", err)
		case <-quiet:
			quiet = nil
			rebuild()
		}
	}
}

// Debounce is how long the preview waits after the last file event before
// it rebuilds.
var Debounce = 30 * time.Millisecond

// watchRoots are the folders whose files make the site: the content and the
// themes folder next to it.
func watchRoots(content string) []string {
	return []string{content, filepath.Join(filepath.Dir(filepath.Clean(content)), "themes")}
}

// addTree watches dir and every folder under it (notifications are per
// folder).
func addTree(w *fsnotify.Watcher, dir string) {
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			w.Add(p)
		}
		return nil
	})
}

// poll is the fallback where notifications are not available: compare the
// folders' names, sizes and times every 300 ms.
func (s *Server) poll(content string, stdout, stderr io.Writer) {
	dirs := watchRoots(content)
	last := fingerprint(dirs)
	for range time.Tick(300 * time.Millisecond) {
		if f := fingerprint(dirs); f != last {
			last = f
			if err := s.Rebuild(); err != nil {
				fmt.Fprintln(stderr, err)
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

// liveReloadJS is the theme's live-reload client, served alone for the page
// shown when no build has succeeded yet (pages get it inside main.js).
var liveReloadJS, _ = fs.ReadFile(defaulttheme.FS, "assets/livereload.js")

// ServeHTTP serves the live-reload stream, then files of the latest build.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for k, v := range Headers {
		w.Header().Set(k, v)
	}
	if !s.allowedHost(r.Host) {
		http.Error(w, "this preview server answers only to localhost and its listen address, not "+strconv.Quote(r.Host), http.StatusMisdirectedRequest)
		return
	}
	switch r.URL.Path {
	case "/__livereload":
		s.events(w, r)
		return
	case "/__livereload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(liveReloadJS)
		return
	}
	s.mu.Lock()
	files, buildErr, draft := s.files, s.err, s.draft
	s.mu.Unlock()
	if files == nil && draft == nil { // no good build yet: show the error itself
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "<!doctype html><html lang=\"zh-CN\" data-livereload=\"/__livereload\"><meta charset=\"utf-8\"><title>构建失败</title><h1>构建失败 Build failed</h1><pre>%s</pre><script src=\"/__livereload.js\"></script></html>", html.EscapeString(buildErr))
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && name != "" {
		name += "/"
	}
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	data, ok := s.file(draft, files, name)
	if !ok {
		if _, dir := s.file(draft, files, name+"/index.html"); dir {
			// Redirect to the cleaned path, never to what the client wrote:
			// "//evil.example/../x" would be a protocol-relative URL.
			http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
			return
		}
		s.mu.Lock()
		nf := s.notFound
		s.mu.Unlock()
		if draft != nil {
			if b, ok := s.file(draft, nil, "404.html"); ok {
				nf = localNotFound(b, draft.Site.BaseURL)
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write(nf)
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

// file is the file at output path name: the draft's page if a build is
// finishing (or failed to finish), else the last good build's file. A file
// only the finished build makes waits for it.
func (s *Server) file(draft *pipeline.Draft, files map[string][]byte, name string) ([]byte, bool) {
	if draft != nil {
		if b, ok, err := draft.File(name); err == nil && ok {
			return b, true
		}
		s.mu.Lock()
		finishing := s.finishing
		s.mu.Unlock()
		select {
		case <-finishing:
		case <-time.After(Timeouts.Write):
		}
		s.mu.Lock()
		files = s.files
		s.mu.Unlock()
	}
	b, ok := files[name]
	return b, ok
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	max := s.MaxStreams
	if max <= 0 {
		max = DefaultMaxStreams
	}
	ch := make(chan string, 4)
	s.mu.Lock()
	if len(s.subs) >= max {
		s.mu.Unlock()
		w.Header().Set("Retry-After", "10")
		http.Error(w, "too many live-reload streams", http.StatusServiceUnavailable)
		return
	}
	// A stream lives long: lift the server's read and write deadlines for
	// it, and bound each write instead (a client that stops reading is dropped).
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
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
	_ = rc.SetWriteDeadline(time.Now().Add(Timeouts.Write))
	io.WriteString(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-ch:
			_ = rc.SetWriteDeadline(time.Now().Add(Timeouts.Write))
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
