package scard

import (
	"context"
	"errors"
	"time"
)

// statusPoll bounds each blocking GetStatusChange of WaitForCard, so a lost
// cancel costs at most this long.
const statusPoll = time.Second

// WaitForCard blocks until a responsive card is in the named reader, or
// ctx ends; pcsc.WaitForCard wraps it with a fresh context per pcscd. It cancels the context's
// blocked GetStatusChange when ctx ends, so do not share the context with
// another goroutine waiting at the same time.
func (c *Context) WaitForCard(ctx context.Context, reader string) error {
	return c.waitState(ctx, reader, func(s StateFlag) bool { return s&StatePresent != 0 && s&StateMute == 0 })
}

// WaitForRemoval blocks until the named reader is empty, or ctx ends.
func (c *Context) WaitForRemoval(ctx context.Context, reader string) error {
	return c.waitState(ctx, reader, func(s StateFlag) bool { return s&StateEmpty != 0 })
}

func (c *Context) waitState(ctx context.Context, reader string, done func(StateFlag) bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// When ctx ends, cancel the blocked call; before returning, wait for the
	// canceller if it already started, so it can neither outlive this call
	// nor cancel a later one.
	cancelled := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = c.Cancel()
		close(cancelled)
	})
	defer func() {
		if !stop() {
			<-cancelled
		}
	}()
	states := []ReaderState{{Reader: reader, CurrentState: StateUnaware}}
	for {
		err := c.GetStatusChange(states, statusPoll)
		switch {
		case err == nil:
			ev := states[0].EventState
			if ev&StateUnknown != 0 {
				return &Error{Op: "SCardGetStatusChange", Reader: reader, Code: CodeUnknownReader}
			}
			if done(ev) {
				return nil
			}
			states[0].CurrentState = ev &^ StateChanged
		case errors.Is(err, ErrTimeout):
		case errors.Is(err, ErrCancelled) && ctx.Err() != nil:
			return ctx.Err()
		default:
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}
