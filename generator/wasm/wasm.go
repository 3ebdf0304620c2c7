// Package wasm builds the calculator's WebAssembly engine with the Go
// toolchain, cached by a hash of its inputs, under content-hashed names.
package wasm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// WasmBuild is the calculator engine and the loader that goes with it.
type WasmBuild struct {
	Bytes  []byte // the GOOS=js GOARCH=wasm binary
	ExecJS []byte // wasm_exec.js of the same Go toolchain (they must match)
	Hash   string // Hash(Bytes): the name of the built engine
}

// Hash is the convention for a generated file's name: the first 12 hex
// digits of the SHA-256 of its content.
func Hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// Files are the engine and its loader under hashed names, with their URLs
// for the calculator page ("wasm" and "wasm_exec").
func (w WasmBuild) Files() (files map[string][]byte, wasmURL, execURL string) {
	wasmName := "assets/calculator-" + w.Hash + ".wasm"
	execName := "assets/wasm_exec-" + Hash(w.ExecJS) + ".js"
	return map[string][]byte{wasmName: w.Bytes, execName: w.ExecJS}, "/" + wasmName, "/" + execName
}

// ModuleRoot finds the source of the calculator from the working folder:
// the generator compiles the wasm from it, so one engine runs in the build
// and in the browser.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", errors.New("cannot find the Go toolchain to build the calculator's wasm: " + err.Error())
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the generator inside its source tree (the calculator's wasm is built from calculator/wasm)")
	}
	root := filepath.Dir(mod)
	if _, err := os.Stat(filepath.Join(root, "calculator", "wasm")); err != nil {
		return "", errors.New("calculator/wasm not found next to " + mod)
	}
	return root, nil
}

// wasmBuildFlags are part of the cache key: changing them must rebuild.
// -trimpath and -buildvcs=false make the binary independent of the checkout's
// location and of the git commit, so the same sources give the same bytes.
var wasmBuildFlags = []string{"-trimpath", "-buildvcs=false", "-ldflags=-s -w"}

// goBuilds counts go build runs, so tests can tell a cache hit from a build.
var goBuilds atomic.Int64

// cacheMaxAge is how long an unused cache entry is kept.
const cacheMaxAge = 30 * 24 * time.Hour

// Build builds package pkg (e.g. "./calculator/wasm") of the module at
// moduleRoot with GOOS=js GOARCH=wasm, using the go command found in PATH.
//
// Builds are cached in cacheDir/wasm/<key>.wasm, where key is a SHA-256 of
// everything that decides the output: the Go version and build-relevant
// environment (GOFLAGS, GOEXPERIMENT, GOWASM), the build flags, pkg, the
// module's go.mod and go.sum, and every .go and embedded file of every
// package of the main module (or a locally replaced module) that pkg depends
// on, as listed by `go list -deps` for js/wasm. Listing the real dependency
// set, rather than hashing a folder, means a change anywhere the engine
// imports from rebuilds it, and unrelated edits (tests, the generator) do not.
// Modules from the proxy are pinned by go.sum. A hit runs no go build (go
// list and go env still run, ~0.1 s).
//
// Safe for concurrent use, also across processes: each build writes into its
// own temporary directory and the result is renamed into place atomically,
// so readers see either no entry or a complete one.
func Build(moduleRoot, pkg, cacheDir string) (WasmBuild, error) {
	env := append(os.Environ(), "GOOS=js", "GOARCH=wasm",
		"GOWORK=off") // a go.work elsewhere must not change what is built
	goenv, err := goEnv(moduleRoot, env)
	if err != nil {
		return WasmBuild{}, err
	}
	execJS, err := os.ReadFile(filepath.Join(goenv["GOROOT"], "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return WasmBuild{}, fmt.Errorf("assets: wasm_exec.js: %w", err)
	}
	key, err := wasmKey(moduleRoot, pkg, env, goenv)
	if err != nil {
		return WasmBuild{}, err
	}

	dir := filepath.Join(cacheDir, "wasm")
	final := filepath.Join(dir, key+".wasm")
	bin, err := os.ReadFile(final)
	if err == nil && isWasm(bin) {
		now := time.Now()
		_ = os.Chtimes(final, now, now) // keep used entries from being pruned
		return newWasmBuild(bin, execJS), nil
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return WasmBuild{}, fmt.Errorf("assets: wasm cache: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return WasmBuild{}, fmt.Errorf("assets: wasm cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "main.wasm")
	args := append([]string{"build"}, wasmBuildFlags...)
	args = append(args, "-o", out, pkg)
	goBuilds.Add(1)
	if _, err := runGo(moduleRoot, env, args...); err != nil {
		return WasmBuild{}, err
	}
	bin, err = os.ReadFile(out)
	if err != nil {
		return WasmBuild{}, fmt.Errorf("assets: wasm build output: %w", err)
	}
	if !isWasm(bin) {
		return WasmBuild{}, fmt.Errorf("assets: go build of %s did not produce WebAssembly", pkg)
	}
	// Rename is atomic: a concurrent builder of the same key renames an
	// identical file over it, which is harmless.
	if err := os.Rename(out, final); err != nil {
		return WasmBuild{}, fmt.Errorf("assets: wasm cache: %w", err)
	}
	pruneCache(dir, final)
	return newWasmBuild(bin, execJS), nil
}

func newWasmBuild(bin, execJS []byte) WasmBuild {
	return WasmBuild{Bytes: bin, ExecJS: execJS, Hash: Hash(bin)}
}

func isWasm(b []byte) bool { return bytes.HasPrefix(b, []byte("\x00asm")) }

// goEnv reads the settings of the go command that decide the output.
func goEnv(moduleRoot string, env []string) (map[string]string, error) {
	out, err := runGo(moduleRoot, env, "env", "-json", "GOVERSION", "GOROOT", "GOFLAGS", "GOEXPERIMENT", "GOWASM")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("assets: go env: %w", err)
	}
	if m["GOROOT"] == "" || m["GOVERSION"] == "" {
		return nil, errors.New("assets: go env gave no GOROOT/GOVERSION")
	}
	return m, nil
}

// wasmKey hashes the inputs of the build (see Wasm).
func wasmKey(moduleRoot, pkg string, env []string, goenv map[string]string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "policyguide wasm cache v1\n%s\n", pkg)
	for _, k := range []string{"GOVERSION", "GOFLAGS", "GOEXPERIMENT", "GOWASM"} {
		fmt.Fprintf(h, "%s=%s\n", k, goenv[k])
	}
	fmt.Fprintf(h, "flags %q\n", wasmBuildFlags)

	// name in the key -> file on disk; names are import paths, so the key
	// does not depend on where the checkout lives.
	files := map[string]string{}
	for _, f := range []string{"go.mod", "go.sum"} {
		files["module/"+f] = filepath.Join(moduleRoot, f)
	}
	out, err := runGo(moduleRoot, env, "list", "-deps",
		"-json=ImportPath,Dir,GoFiles,EmbedFiles,Module,Standard,Error", pkg)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath, Dir     string
			GoFiles, EmbedFiles []string
			Standard            bool
			Module              *struct {
				Main    bool
				Replace *struct{ Version string }
			}
			Error *struct{ Err string }
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return "", fmt.Errorf("assets: go list: %w", err)
		}
		if p.Error != nil {
			return "", fmt.Errorf("assets: go list %s: %s", p.ImportPath, p.Error.Err)
		}
		local := p.Module != nil && (p.Module.Main || p.Module.Replace != nil && p.Module.Replace.Version == "")
		if p.Standard || !local {
			continue // pinned by the Go version or by go.sum
		}
		for _, f := range append(p.GoFiles, p.EmbedFiles...) {
			files[path.Join(p.ImportPath, f)] = filepath.Join(p.Dir, filepath.FromSlash(f))
		}
	}

	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data, err := os.ReadFile(files[n])
		if errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(n, "module/") {
			data = nil // a module without go.sum (no dependencies)
		} else if err != nil {
			return "", fmt.Errorf("assets: %w", err)
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(h, "file %q %x\n", n, sum)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func runGo(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("assets: go %s: %v\n%s", strings.Join(args, " "), err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out, nil
}

// pruneCache removes entries unused for cacheMaxAge and build directories
// abandoned by killed builds, so the cache does not grow without bound.
// Errors are ignored: the cache is an optimisation.
func pruneCache(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		info, err := e.Info()
		if p == keep || err != nil || time.Since(info.ModTime()) < cacheMaxAge {
			continue
		}
		if strings.HasSuffix(e.Name(), ".wasm") || strings.HasPrefix(e.Name(), "build-") {
			_ = os.RemoveAll(p)
		}
	}
}
