package media

import (
	"os"
	"syscall"
)

// pipeBytes is the pipe buffer asked for between ffmpeg and this process:
// Linux's default unprivileged limit (/proc/sys/fs/pipe-max-size). A raw
// 720p frame is 1.4 MB, so the default 64 KiB buffer costs some twenty
// writes, reads and wake-ups a frame on each side; a 1 MiB one costs two.
const pipeBytes = 1 << 20

// widenPipe enlarges the kernel buffer of a pipe to a child process. It is
// only an optimisation: a pipe that cannot grow works as it is.
func widenPipe(p any) {
	f, ok := p.(*os.File)
	if !ok {
		return
	}
	raw, err := f.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_SETPIPE_SZ, pipeBytes)
	})
}
