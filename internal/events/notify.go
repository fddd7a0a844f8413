package events

// NotifyAll wakes the subscribers of every session followed in this
// process. A cross-process notifier calls it when it may have missed
// notifications (e.g. after re-connecting to PostgreSQL): each hub then
// re-reads the store, so nothing appended meanwhile is left waiting for the
// next poll.
func (l *Log) NotifyAll() {
	l.mu.Lock()
	hubs := make([]*hub, 0, len(l.hubs))
	for _, h := range l.hubs {
		hubs = append(hubs, h)
	}
	l.mu.Unlock()
	for _, h := range hubs {
		h.wake()
	}
}
