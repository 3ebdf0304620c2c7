package theme

import (
	"errors"
	"io"
	"io/fs"
	"sort"
)

// Layer returns a file system in which every file of top overrides the file
// of the same path in bottom, and directories list the entries of both. It
// is how a site's theme folder overrides the embedded default theme file by
// file: Layer(os.DirFS("themes/mine"), defaulttheme.FS).
func Layer(top, bottom fs.FS) fs.FS { return layered{top, bottom} }

type layered struct{ top, bottom fs.FS }

// Open opens name from top, else from bottom. A directory present in either
// layer opens as the merged directory, so fs.Glob, fs.WalkDir and
// ReadDir on an opened directory all see both layers.
func (l layered) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	ts, terr := fs.Stat(l.top, name)
	bs, berr := fs.Stat(l.bottom, name)
	switch {
	case terr == nil && ts.IsDir(), terr != nil && berr == nil && bs.IsDir():
		entries, err := l.ReadDir(name)
		if err != nil {
			return nil, err
		}
		info := ts
		if terr != nil {
			info = bs
		}
		return &dir{info: info, entries: entries}, nil
	case terr == nil:
		return l.top.Open(name)
	case errors.Is(terr, fs.ErrNotExist):
		return l.bottom.Open(name)
	default:
		return nil, terr // a real error in the top layer is not hidden
	}
}

// ReadDir merges both layers' entries, sorted by name; top wins on a clash.
func (l layered) ReadDir(name string) ([]fs.DirEntry, error) {
	te, terr := fs.ReadDir(l.top, name)
	be, berr := fs.ReadDir(l.bottom, name)
	if terr != nil && berr != nil {
		if errors.Is(terr, fs.ErrNotExist) {
			return nil, berr
		}
		return nil, terr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range te {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range be {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// dir is an opened merged directory.
type dir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }

func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}

var _ fs.ReadDirFile = (*dir)(nil)
