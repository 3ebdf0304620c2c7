// Package bundle builds the theme's CSS and JavaScript with esbuild into
// minified files named by a hash of their content.
package bundle

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"

	"policyguide/generator/site"
)

// namespace is esbuild's name for files served from the theme fs.FS.
const namespace = "theme"

// workDir is a fixed fake working directory: every input comes from the
// fs.FS through the plugin, so nothing is read from disk, and a fixed value
// keeps output paths (and so hashes) independent of where the build runs.
const workDir = "/policyguide"

// loaders maps the file types a theme may use to esbuild loaders. Fonts and
// images referenced by url() in CSS become their own hashed files.
var loaders = map[string]api.Loader{
	".css": api.LoaderCSS, ".js": api.LoaderJS, ".mjs": api.LoaderJS,
	".svg": api.LoaderFile, ".png": api.LoaderFile, ".jpg": api.LoaderFile,
	".jpeg": api.LoaderFile, ".gif": api.LoaderFile, ".webp": api.LoaderFile,
	".ico": api.LoaderFile, ".woff": api.LoaderFile, ".woff2": api.LoaderFile,
}

// Bundle bundles and minifies each entry ("main.css", "main.js", …) found
// under assets/ of theme; entries that do not exist are skipped. files maps
// output paths ("assets/main-HASH.css") to contents, including fonts and
// images the CSS refers to; urls maps each entry to its site-relative URL
// ("/assets/main-HASH.css"). The result depends only on the theme's files.
//
// Because of that, the last result is kept and given again while the
// theme's files and the entries are the same (the preview rebuilds on every
// save; esbuild would take some 10 ms each time).
func Bundle(theme fs.FS, entries []string) (map[string][]byte, site.Assets, error) {
	key, err := themeKey(theme, entries)
	if err != nil {
		return build(theme, entries)
	}
	last.mu.Lock()
	defer last.mu.Unlock()
	if last.key != key || last.files == nil {
		files, urls, err := build(theme, entries)
		if err != nil {
			return nil, nil, err
		}
		last.key, last.files, last.urls = key, files, urls
	}
	return maps.Clone(last.files), maps.Clone(last.urls), nil
}

// last is Bundle's last result and its key.
var last struct {
	mu    sync.Mutex
	key   [sha256.Size]byte
	files map[string][]byte
	urls  site.Assets
}

// themeKey is a digest of the entries and of every file of theme, names and
// contents.
func themeKey(theme fs.FS, entries []string) ([sha256.Size]byte, error) {
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "entry %q\n", e)
	}
	err := fs.WalkDir(theme, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "file %q %d\n", p, len(b))
		h.Write(b)
		return nil
	})
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key, err
}

// build runs esbuild (see Bundle).
func build(theme fs.FS, entries []string) (files map[string][]byte, urls site.Assets, err error) {
	files, urls = map[string][]byte{}, site.Assets{}
	var points []string
	for _, e := range entries {
		if !fs.ValidPath(e) {
			return nil, nil, fmt.Errorf("bundle: bad entry name %q", e)
		}
		if _, err := fs.Stat(theme, path.Join("assets", e)); err == nil {
			points = append(points, e)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("bundle: %w", err)
		}
	}
	if len(points) == 0 {
		return files, urls, nil
	}

	res := api.Build(api.BuildOptions{
		EntryPoints:       points, // CSS entries are their own entry points (esbuild#2565)
		Bundle:            true,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8, // keep Chinese as is, not \uXXXX
		Platform:          api.PlatformBrowser,
		Format:            api.FormatIIFE, // plain <script defer>, no module scope needed
		// Explicit targets: esbuild's defaults change between 0.x releases.
		Target: api.ES2020,
		Engines: []api.Engine{
			{Name: api.EngineChrome, Version: "87"},
			{Name: api.EngineFirefox, Version: "78"},
			{Name: api.EngineSafari, Version: "14"},
			{Name: api.EngineEdge, Version: "88"},
		},
		EntryNames:    "[dir]/[name]-[hash]",
		AssetNames:    "[dir]/[name]-[hash]",
		Outdir:        "assets",
		AbsWorkingDir: workDir,
		Write:         false,
		Metafile:      true,
		LogLevel:      api.LogLevelSilent, // errors are returned, not printed
		Plugins:       []api.Plugin{fsPlugin(theme)},
	})
	if len(res.Errors) > 0 {
		return nil, nil, buildError(res.Errors)
	}

	for _, f := range res.OutputFiles {
		rel := strings.TrimPrefix(f.Path, workDir+"/")
		if rel == f.Path || !strings.HasPrefix(rel, "assets/") {
			return nil, nil, fmt.Errorf("bundle: unexpected output path %q", f.Path)
		}
		files[rel] = f.Contents
	}

	// The metafile says which output came from which entry point.
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(res.Metafile), &meta); err != nil {
		return nil, nil, fmt.Errorf("bundle: reading esbuild metafile: %w", err)
	}
	outs := make([]string, 0, len(meta.Outputs))
	for out := range meta.Outputs {
		outs = append(outs, out)
	}
	sort.Strings(outs)
	for _, out := range outs {
		entry, ok := strings.CutPrefix(meta.Outputs[out].EntryPoint, namespace+":assets/")
		if !ok {
			continue // an asset (font, image) or CSS pulled in by a JS entry
		}
		// A JS entry that imports CSS also yields a .css output with the
		// same entry point: keep the output whose extension matches.
		if path.Ext(out) != path.Ext(entry) && !(path.Ext(entry) == ".mjs" && path.Ext(out) == ".js") {
			continue
		}
		if _, ok := files[out]; !ok {
			return nil, nil, fmt.Errorf("bundle: metafile names %q, which esbuild did not produce", out)
		}
		urls[entry] = "/" + out
	}
	for _, e := range points {
		if urls[e] == "" {
			return nil, nil, fmt.Errorf("bundle: no output for entry %q", e)
		}
	}
	return files, urls, nil
}

// fsPlugin makes esbuild read every import from the theme fs.FS: relative
// imports resolve against the importing file, entry points against assets/.
// Absolute URLs ("/static/x.png", "https://…", "data:…") stay as written.
func fsPlugin(theme fs.FS) api.Plugin {
	return api.Plugin{
		Name: "theme-fs",
		Setup: func(b api.PluginBuild) {
			b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
				p := a.Path
				switch {
				case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "data:") || strings.Contains(p, "://"):
					return api.OnResolveResult{Path: p, External: true}, nil
				case a.Kind == api.ResolveEntryPoint:
					p = path.Join("assets", p)
				case strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../"):
					if a.Namespace != namespace {
						return api.OnResolveResult{}, fmt.Errorf("cannot resolve %q from %q", p, a.Importer)
					}
					p = path.Join(path.Dir(a.Importer), p)
				default:
					// Bare names would mean npm packages: the theme must not need Node.
					return api.OnResolveResult{}, fmt.Errorf("import %q: only relative paths inside the theme are supported", p)
				}
				if !fs.ValidPath(p) {
					return api.OnResolveResult{}, fmt.Errorf("import %q leaves the theme", a.Path)
				}
				return api.OnResolveResult{Path: p, Namespace: namespace}, nil
			})
			b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: namespace}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
				loader, ok := loaders[strings.ToLower(path.Ext(a.Path))]
				if !ok {
					return api.OnLoadResult{}, fmt.Errorf("%s: unsupported file type", a.Path)
				}
				data, err := fs.ReadFile(theme, a.Path)
				if err != nil {
					return api.OnLoadResult{}, err
				}
				s := string(data)
				return api.OnLoadResult{Contents: &s, Loader: loader}, nil
			})
		},
	}
}

// buildError joins esbuild's messages as "file:line:col: text".
func buildError(msgs []api.Message) error {
	var b strings.Builder
	b.WriteString("bundle: esbuild failed:")
	for _, m := range msgs {
		b.WriteString("\n  ")
		if l := m.Location; l != nil {
			fmt.Fprintf(&b, "%s:%d:%d: ", l.File, l.Line, l.Column+1)
		}
		b.WriteString(m.Text)
	}
	return errors.New(b.String())
}
