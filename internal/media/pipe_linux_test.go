package media

import (
	"os"
	"syscall"
	"testing"
)

func pipeSize(t *testing.T, f *os.File) int {
	t.Helper()
	n, _, errno := syscall.Syscall(syscall.SYS_FCNTL, f.Fd(), syscall.F_GETPIPE_SZ, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	return int(n)
}

func TestWidenPipe(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	before := pipeSize(t, w)
	widenPipe(w)
	if got := pipeSize(t, r); got < pipeBytes || got <= before {
		t.Errorf("pipe buffer %d bytes after widening (was %d), want ≥ %d", got, before, pipeBytes)
	}
	widenPipe(struct{}{}) // not a file: left alone, no panic
}
