package serve

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"policyguide/generator/pipeline"
)

func testServer(t *testing.T) *Server {
	t.Helper()
	s := New(pipeline.Options{Content: "../pipeline/testdata/mini/content", NoWasm: true,
		Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNoOpenRedirect: a folder without its slash redirects to the cleaned
// path on this server, never to a host the client named.
func TestNoOpenRedirect(t *testing.T) {
	ts := httptest.NewServer(testServer(t))
	defer ts.Close()
	for path, want := range map[string]string{
		"//evil.example.com/../measures":  "/measures/",
		"/measures":                       "/measures/",
		"///evil.example.com/../measures": "/measures/",
		"/\\evil.example.com/../measures": "",
	} {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n") // sent as written
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		conn.Close()
		loc := resp.Header.Get("Location")
		if want == "" {
			if loc != "" && !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Errorf("GET %s: Location %q", path, loc)
			}
			continue
		}
		if resp.StatusCode != http.StatusMovedPermanently || loc != want {
			t.Errorf("GET %s: %d Location %q, want 301 %q", path, resp.StatusCode, loc, want)
		}
	}
}

// TestHostCheck: DNS rebinding is refused; localhost, loopback addresses and
// the listen host are served.
func TestHostCheck(t *testing.T) {
	s := testServer(t)
	s.Hosts, s.AnyIP = listenHosts("preview.lan:1313")
	for host, ok := range map[string]bool{
		"localhost:1313": true, "127.0.0.1:1313": true, "[::1]:1313": true, "localhost": true,
		"preview.lan:1313": true, "PREVIEW.LAN": true,
		"evil.example.com": false, "evil.example.com:1313": false, "10.0.0.5:1313": false, "": false,
		"localhost.evil.example.com": false,
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if got := rec.Code == http.StatusOK; got != ok {
			t.Errorf("Host %q: status %d, want allowed=%v", host, rec.Code, ok)
		}
		if !ok && rec.Code != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: status %d, want 421", host, rec.Code)
		}
	}
	// Listening on every interface: IP literals (no rebinding) are fine, names are not.
	s.Hosts, s.AnyIP = listenHosts("0.0.0.0:1313")
	for host, ok := range map[string]bool{"10.0.0.5:1313": true, "evil.example.com": false} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if got := rec.Code == http.StatusOK; got != ok {
			t.Errorf("0.0.0.0, Host %q: status %d", host, rec.Code)
		}
	}
}

// TestTimeouts: a client that sends half a request is disconnected after the
// header timeout; a live-reload stream outlives the read timeout.
func TestTimeouts(t *testing.T) {
	old := Timeouts
	defer func() { Timeouts = old }()
	Timeouts.ReadHeader, Timeouts.Read, Timeouts.Write, Timeouts.Idle = 200*time.Millisecond, 300*time.Millisecond, time.Second, 300*time.Millisecond
	s := testServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer()
	go hs.Serve(ln)
	defer hs.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: localhost\r\n") // never finished
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(conn) // returns when the server closes
	if err != nil {
		t.Fatalf("half-sent request still open after %v: %v", time.Since(start), err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("closed after %v", d)
	}

	// The stream stays open past the read timeout and delivers a reload.
	resp, err := http.Get("http://" + ln.Addr().String() + "/__livereload")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if line, _ := br.ReadString('\n'); !strings.HasPrefix(line, ": connected") {
		t.Fatalf("stream: %q", line)
	}
	time.Sleep(3 * Timeouts.Read)
	s.Rebuild()
	got := make(chan string, 1)
	go func() {
		for {
			line, err := br.ReadString('\n')
			if err != nil || strings.HasPrefix(line, "data:") {
				got <- line
				return
			}
		}
	}()
	select {
	case line := <-got:
		if line != "data: reload\n" {
			t.Errorf("after the read timeout the stream gave %q", line)
		}
	case <-time.After(3 * time.Second):
		t.Error("no reload message on the stream")
	}
}

// TestStreamCap: beyond MaxStreams, a live-reload request gets 503; closing a
// stream frees its place.
func TestStreamCap(t *testing.T) {
	s := testServer(t)
	s.MaxStreams = 3
	ts := httptest.NewServer(s)
	defer ts.Close()
	var open []*http.Response
	for range 3 {
		resp, err := http.Get(ts.URL + "/__livereload")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("stream: %v %v", resp, err)
		}
		open = append(open, resp)
	}
	resp, err := http.Get(ts.URL + "/__livereload")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("4th stream: %d, want 503", resp.StatusCode)
	}
	open[0].Body.Close()
	deadline := time.Now().Add(3 * time.Second)
	for {
		resp, err := http.Get(ts.URL + "/__livereload")
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			break
		}
		if err == nil {
			resp.Body.Close()
		}
		if time.Now().After(deadline) {
			t.Fatal("a closed stream did not free its place")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, r := range open[1:] {
		r.Body.Close()
	}
}

// TestNotFoundPage: the 404 page is served with links and assets at this
// server's root (the built page points at the site's absolute address).
func TestNotFoundPage(t *testing.T) {
	s := testServer(t)
	req := httptest.NewRequest("GET", "/no/such/page/", nil)
	req.Host = "localhost:1313"
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	body := rec.Body.String()
	if rec.Code != http.StatusNotFound || !strings.Contains(body, `href="/measures/"`) {
		t.Fatalf("%d %.300s", rec.Code, body)
	}
	if strings.Contains(body, "/guide/") || strings.Contains(body, `="https://example.test`) {
		t.Errorf("404 in the preview still points at the base URL: %s", body)
	}
	csp := `object-src 'none'; base-uri 'self'`
	if !strings.Contains(body, csp) {
		t.Errorf("CSP meta lacks %s", csp)
	}
}
