package output

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
)

// folderTimes is what the folders file (".public.folders" next to
// "public") records for one tree: the mtime of each of its folders, for the
// tree whose root folder is id and whose manifest has the SHA-256 sum.
//
// It lives outside the trees, not in the manifest, so that the manifest
// stays the same bytes for the same site. A record counts only for the tree
// it names with the manifest it names: after a kill, a swap, or a tree
// changed by hand since, a record that does not match is ignored and the
// tree's folders are read, which is always safe.
type folderTimes struct {
	id    treeID
	sum   [32]byte
	times map[string]int64
}

// treeID identifies a root folder across renames (device and inode).
type treeID struct{ dev, ino uint64 }

const foldersHeader = "policyguide output folders v1"

// readFolders reads the folders file; a missing or damaged file is empty.
func readFolders(name string) []folderTimes {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	if string(line) != foldersHeader {
		return nil
	}
	var recs []folderTimes
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		if t, ok := bytes.CutPrefix(line, []byte("tree ")); ok {
			var r folderTimes
			var sum string
			if _, err := fmt.Sscanf(string(t), "%d %d %s", &r.id.dev, &r.id.ino, &sum); err != nil {
				return nil
			}
			if s, err := hex.DecodeString(sum); err != nil || len(s) != len(r.sum) {
				return nil
			} else {
				copy(r.sum[:], s)
			}
			r.times = map[string]int64{}
			recs = append(recs, r)
			continue
		}
		m, d, found := bytes.Cut(line, []byte(" "))
		if !found || len(recs) == 0 || checkName(string(d)) != nil {
			return nil
		}
		v, err := strconv.ParseInt(string(m), 16, 64)
		if err != nil {
			return nil
		}
		recs[len(recs)-1].times[string(d)] = v
	}
	return recs
}

// writeFolders replaces the folders file (temporary file, then rename);
// failing costs only time. A file of that name the generator did not write
// (one that does not start with its header) is left alone, and so is a
// temporary file of that name.
func writeFolders(name string, recs []folderTimes) {
	if !replaceable(name) || !replaceable(name+".tmp") {
		return
	}
	var b bytes.Buffer
	b.WriteString(foldersHeader + "\n")
	for _, r := range recs {
		fmt.Fprintf(&b, "tree %d %d %x\n", r.id.dev, r.id.ino, r.sum)
		for d, m := range r.times {
			b.WriteString(strconv.FormatInt(m, 16) + " " + d + "\n")
		}
	}
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), fileMode); err != nil {
		os.Remove(tmp)
		return
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
	}
}

// replaceable reports whether name is absent or a regular file the
// generator wrote as a folders file.
func replaceable(name string) bool {
	info, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	return err == nil && info.Mode().IsRegular() && ours(name)
}

// ours reports whether the file name starts with the folders file's header.
func ours(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(foldersHeader)+1)
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == foldersHeader+"\n"
}
