package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// renameExchange swaps two folders atomically (renameat2 RENAME_EXCHANGE).
func renameExchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EOPNOTSUPP) {
		return errNoExchange // a file system without the call: fall back
	}
	return err
}

// lock takes an exclusive lock on the output's parent folder, so two builds
// of the same folder run one after the other.
func lock(parent, base string) (func(), error) {
	f, err := os.Open(parent)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("output: locking %s: %w", parent, err)
	}
	return func() { f.Close() }, nil
}

// umaskKeeps says which of fileMode and dirMode the process's umask leaves
// whole, so that open and mkdir set them without a chmod. It reads
// /proc/self/status (Linux 4.7 and later), which, unlike umask(2), does not
// change the umask while other goroutines create files.
func umaskKeeps() keeps {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return keeps{}
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			if err != nil {
				return keeps{}
			}
			return keeps{file: fs.FileMode(m)&fileMode == 0, dir: fs.FileMode(m)&dirMode == 0}
		}
	}
	return keeps{}
}

// rootID is the device and inode of a folder.
func rootID(info fs.FileInfo) treeID {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return treeID{dev: uint64(st.Dev), ino: st.Ino}
	}
	return treeID{}
}
