package wasm

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// copyFixture copies testdata/wasmmod (its own module) to a temp dir so the
// test can edit sources.
func copyFixture(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/wasmmod", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/wasmmod", p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestWasmCache(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	mod, cache := copyFixture(t), t.TempDir()

	build := func(wantBuild bool) WasmBuild {
		t.Helper()
		before := goBuilds.Load()
		start := time.Now()
		w, err := Build(mod, ".", cache)
		if err != nil {
			t.Fatal(err)
		}
		built := goBuilds.Load() != before
		t.Logf("Wasm: built=%v in %v, %d bytes, hash %s", built, time.Since(start).Round(time.Millisecond), len(w.Bytes), w.Hash)
		if built != wantBuild {
			t.Fatalf("go build ran = %v, want %v", built, wantBuild)
		}
		if !bytes.HasPrefix(w.Bytes, []byte("\x00asm")) || len(w.Hash) != 12 {
			t.Fatalf("bad result: %d bytes, hash %q", len(w.Bytes), w.Hash)
		}
		if !bytes.Contains(w.ExecJS, []byte("globalThis.Go")) {
			t.Fatal("ExecJS is not wasm_exec.js")
		}
		return w
	}

	first := build(true)
	second := build(false) // cache hit
	if !bytes.Equal(first.Bytes, second.Bytes) || first.Hash != second.Hash {
		t.Fatal("cache hit returned different bytes")
	}

	// Files that are not inputs of the binary do not invalidate the cache.
	write(t, filepath.Join(mod, "lib", "lib_test.go"), "package lib\n")
	write(t, filepath.Join(mod, "README.md"), "notes\n")
	build(false)

	// A change in a dependency package rebuilds and changes the binary.
	write(t, filepath.Join(mod, "lib", "lib.go"), "package lib\n\nfunc Greeting() string { return \"你好 v2\" }\n")
	third := build(true)
	if third.Hash == first.Hash || !bytes.Contains(third.Bytes, []byte("你好 v2")) {
		t.Fatal("changed source, same binary")
	}
	build(false)

	// So does go.mod.
	write(t, filepath.Join(mod, "go.mod"), "module wasmfixture\n\ngo 1.26\n\n// edited\n")
	build(true)

	// Only finished entries are left in the cache.
	entries, _ := os.ReadDir(filepath.Join(cache, "wasm"))
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".wasm") || e.IsDir() {
			t.Errorf("leftover in cache: %s", e.Name())
		}
	}
}

func TestWasmConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	mod, cache := copyFixture(t), t.TempDir()
	var wg sync.WaitGroup
	results := make([]WasmBuild, 3)
	errs := make([]error, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = Build(mod, ".", cache)
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if results[i].Hash != results[0].Hash {
			t.Fatal("concurrent builds disagree")
		}
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "wasm"))
	if len(entries) != 1 || !strings.HasSuffix(entries[0].Name(), ".wasm") {
		t.Fatalf("cache holds %v, want one .wasm", entries)
	}
}

func TestWasmBuildError(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	mod, cache := copyFixture(t), t.TempDir()
	write(t, filepath.Join(mod, "lib", "lib.go"), "package lib\n\nfunc Greeting() string { return 1 }\n")
	if _, err := Build(mod, ".", cache); err == nil || !strings.Contains(err.Error(), "lib.go") {
		t.Fatalf("err = %v, want the compiler's message", err)
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "wasm"))
	if len(entries) != 0 {
		t.Fatalf("failed build left %v", entries)
	}
}

func write(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
