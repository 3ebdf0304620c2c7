package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

const nginxPath = "/usr/sbin/nginx"

// needNginx skips without Debian's nginx, except in CI
// (POLICYGUIDE_REQUIRE_BROWSER=1), where it is a failure.
func needNginx(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(nginxPath); err == nil {
		return
	}
	msg := nginxPath + " not found: apt-get install nginx"
	if os.Getenv("POLICYGUIDE_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// readmeNginx is the nginx block of the README, the config the test runs.
func readmeNginx(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```nginx\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ```nginx block")
	}
	return string(m[1])
}

// startNginx runs nginx in the foreground on a free localhost port with the
// README's server block (root and listen replaced) and stops it at the end.
func startNginx(t *testing.T, server, public string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	server = regexp.MustCompile(`(?m)^(\s*)listen .*;`).ReplaceAllString(server, "${1}listen "+addr+";")
	server = regexp.MustCompile(`(?m)^(\s*)root .*;`).ReplaceAllString(server, "${1}root "+public+";")
	prefix := t.TempDir()
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n" // the workers must read the test's private temp folder
	}
	conf := fmt.Sprintf(`%sdaemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
%[3]s
}
`, user, prefix, server)
	cf := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginxPath, "-p", prefix, "-c", cf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) // SIGINT: fast shutdown of this nginx only
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 100 {
			log, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			t.Fatalf("nginx did not start: %v\n%s\n%s", err, stderr.String(), log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "http://" + addr
}

// TestNginx serves the built site with the README's nginx config and checks
// what a browser gets: the precompressed bytes with the right encoding, the
// wasm as application/wasm, immutable caching for hashed assets only.
func TestNginx(t *testing.T) {
	needNginx(t)
	root := repoRoot(t)
	res, public := buildSite(t, root)
	base := startNginx(t, readmeNginx(t, root), public)
	wasm := res.Site.Calculator.WasmURL
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path, enc string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		r, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r, b
	}
	raw, err := os.ReadFile(filepath.Join(public, strings.TrimPrefix(wasm, "/")))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, accept, enc, ctype, cache string
	}{
		{wasm, "gzip, deflate, br", "br", "application/wasm", "immutable"},
		{wasm, "gzip", "gzip", "application/wasm", "immutable"},
		{wasm, "", "", "application/wasm", "immutable"},
		{res.Site.Calculator.WasmExecURL, "br", "br", "text/javascript", "immutable"},
		{"/calculator/", "gzip, br", "br", "text/html", "no-cache"},
		{"/", "gzip", "gzip", "text/html", "no-cache"},
		{"/data/rules.json", "br", "br", "application/json", "no-cache"},
	} {
		r, body := get(c.path, c.accept)
		if r.StatusCode != 200 {
			t.Errorf("%s: HTTP %d", c.path, r.StatusCode)
			continue
		}
		if got := r.Header.Get("Content-Encoding"); got != c.enc {
			t.Errorf("%s (Accept-Encoding %q): Content-Encoding %q, want %q", c.path, c.accept, got, c.enc)
		}
		if got := r.Header.Get("Content-Type"); !strings.HasPrefix(got, c.ctype) {
			t.Errorf("%s: Content-Type %q, want %s", c.path, got, c.ctype)
		}
		if got := r.Header.Get("Cache-Control"); !strings.Contains(got, c.cache) {
			t.Errorf("%s: Cache-Control %q, want %s", c.path, got, c.cache)
		}
		if !strings.Contains(r.Header.Get("Content-Security-Policy"), "wasm-unsafe-eval") {
			t.Errorf("%s: no CSP header", c.path)
		}
		if c.path == wasm {
			plain := body
			if c.enc == "br" {
				plain, _ = io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
				t.Logf("wasm over nginx: %d bytes brotli, %d raw", len(body), len(raw))
			}
			if c.enc == "gzip" {
				t.Logf("wasm over nginx: %d bytes gzip", len(body))
				continue
			}
			if !bytes.Equal(plain, raw) {
				t.Errorf("%s (%s): body is not the wasm", c.path, c.enc)
			}
		}
	}
	if r, _ := get("/no-such-page/", ""); r.StatusCode != 404 {
		t.Errorf("missing page: HTTP %d", r.StatusCode)
	}
	if r, _ := get("/_headers", ""); r.StatusCode != 404 {
		t.Errorf("_headers is served: HTTP %d", r.StatusCode)
	}
}
