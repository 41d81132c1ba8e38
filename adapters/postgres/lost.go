package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/bjedu/studentcard/lifecycle"
)

// storeName is how a [lifecycle.StoreUnavailableError] names this adapter.
const storeName = "PostgreSQL"

// unavailable turns an error that says the server is out of reach into a
// [*lifecycle.StoreUnavailableError] (retryable, nothing committed) and
// returns any other error as it is. pgx reports a server stopped
// mid-transaction as a bare unexpected EOF or a *net.OpError, a server not
// yet back as a *pgconn.ConnectError, a server shutting down as SQLSTATE
// 57P01-57P03, and a broken connection as class 08.
func unavailable(err error) error {
	if err == nil || errors.Is(err, lifecycle.ErrStoreUnavailable) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var oe *net.OpError
	switch {
	case errors.As(err, &pe):
		if !strings.HasPrefix(pe.Code, "08") && pe.Code != "57P01" && pe.Code != "57P02" && pe.Code != "57P03" {
			return err
		}
	case errors.As(err, &ce), errors.As(err, &oe),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
	default:
		return err
	}
	return &lifecycle.StoreUnavailableError{Store: storeName, Err: err}
}
