package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/bjedu/studentcard/adapters/postgres"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

// Opening the city's store: one schema per deployment, a Ledger on top.
// (Not run by go test: it needs a server; the package's tests start one.)
func Example_open() {
	ctx := context.Background()
	s, err := postgres.Open(ctx, os.Getenv("STUDENTCARD_PG_DSN"), postgres.Options{Schema: "studentcard", MaxConns: 32})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: s, Clock: time.Now})
	if err != nil {
		fmt.Println(err)
		return
	}
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "admin"}
	page, err := l.Overdue(ctx, city, nil, 100)
	fmt.Println(len(page), err)
}

// Errors speak the operator's language; a bad schema name is refused before
// any connection is made.
func ExampleOpen_badSchema() {
	_, err := postgres.Open(context.Background(), "host=127.0.0.1 dbname=studentcard", postgres.Options{Schema: "District-05"})
	fmt.Println(errors.Is(err, postgres.ErrSchemaName))
	fmt.Println(l10n.Error(err, l10n.Chinese))
	// Output:
	// true
	// 模式名称 "District-05"：应为小写字母、数字和下划线，以字母开头，最多63个字符
}
