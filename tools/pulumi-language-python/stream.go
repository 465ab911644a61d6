package main

import (
	"io"
	"sync"
)

// stream sends a process's output to a server stream of T, one Send at a time: gRPC forbids
// concurrent Sends on one stream, and stdout and stderr are read by two goroutines.
type stream[T any] struct {
	mu            sync.Mutex
	send          func(T) error
	stdoutMessage func([]byte) T
	stderrMessage func([]byte) T
}

// Send sends one message, waiting for any other Send to finish.
func (s *stream[T]) Send(message T) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.send(message)
}

func (s *stream[T]) stdout() io.Writer {
	return chunkWriter(func(b []byte) error { return s.Send(s.stdoutMessage(b)) })
}
func (s *stream[T]) stderr() io.Writer {
	return chunkWriter(func(b []byte) error { return s.Send(s.stderrMessage(b)) })
}

// chunkWriter sends each Write as one message (a copy: the caller reuses its buffer).
type chunkWriter func([]byte) error

func (w chunkWriter) Write(p []byte) (int, error) {
	if err := w(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ignoreErrors keeps io.Copy draining a pipe when its writer fails (the CLI went away): a
// plugin blocked on a full pipe would never see its context end.
type ignoreErrors struct{ w io.Writer }

func (i ignoreErrors) Write(p []byte) (int, error) {
	_, _ = i.w.Write(p)
	return len(p), nil
}
