package studentcard_test

// A vendor's first hour: one runnable example per role, each the first
// calls that role makes (the table in doc.go and the README lists them).

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bjedu/studentcard/adapters/cmis"
	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/batch/batchtest"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/lab"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/lifecycle/storetest"
	"github.com/bjedu/studentcard/sam"
	"github.com/bjedu/studentcard/studentid"
)

// now is the examples' clock: 1 September 2026, 08:00 in Beijing.
var now = time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)

// The school (C-MAKE-1, C-3): import the CMIS export, refuse to export while
// a row is wrong (it is fixed in CMIS), then write the card-making package —
// data file and one photo per student — for the district.
func Example_school() {
	ctx := context.Background()
	export := "学校名称,姓名,性别,学籍号,身份证号,出生日期,班号,入学年月,行政区划代码\n" +
		"北京市东城区和平里小学,吴轩梓,女,0105000103001014,110104201801010004,20180101,2024101,202409,110104000000\n" +
		"北京市东城区和平里小学,徐琪秀,男,0105000103001022,110109201801010014,2018-02-30,2024101,202409,110109000000\n"
	res, err := cmis.Import(ctx, strings.NewReader(export), "students.csv")
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	for _, e := range res.Errors {
		fmt.Println("fix in CMIS:", l10n.Error(e, l10n.Chinese))
	}

	// After the fix, the export has only good rows: write the package.
	var pkg bytes.Buffer
	pw := batch.NewPackageWriter(&pkg)
	sender := batch.Header{Level: studentid.LevelSchool, Code: "01050001", Batch: "20260901-001", Created: now}
	w, _ := pw.CardData(sender)
	for _, r := range res.Records {
		_ = w.WriteRecord(r.Card.Fields())
	}
	_ = w.Close()
	for i, r := range res.Records {
		jpeg, _ := batchtest.Photo(uint64(i))
		p, _ := pw.Photo(r.Card.RegistryNo)
		_, _ = p.Write(jpeg)
	}
	fmt.Println("package written:", pw.Close() == nil, len(res.Records), "record(s)")
	// Output:
	// fix in CMIS: students.csv 第3行 F列（出生日期）“2018-02-30”：日期不是YYYYMMDD格式的有效日期：20180230不是有效日期
	// package written: true 1 record(s)
}

// schoolPackage is a school's card-making package of n test students (the
// record i == bad has a birth date that disagrees with its resident ID).
func schoolPackage(school string, n, bad int) []byte {
	var pkg bytes.Buffer
	pw := batch.NewPackageWriter(&pkg)
	w, _ := pw.CardData(batch.Header{Level: studentid.LevelSchool, Code: school, Batch: "20260901-001", Created: now})
	var regs []studentid.ID
	for i := range n {
		r, _ := batchtest.Record(school, "北京市东城区和平里小学", i, 1)
		if i == bad {
			r.BirthDate = "20160101"
		}
		_ = w.WriteRecord(r.Fields())
		regs = append(regs, r.RegistryNo)
	}
	_ = w.Close()
	for i, reg := range regs {
		jpeg, _ := batchtest.Photo(uint64(i))
		p, _ := pw.Photo(reg)
		_, _ = p.Write(jpeg)
	}
	_ = pw.Close()
	return pkg.Bytes()
}

// The district (C-MAKE-2): validate each school's package; a package with
// any bad record goes back whole with a failure file, and the accepted
// packages are merged into the district's file for the city.
func Example_district() {
	ctx := context.Background()
	district := batch.Header{Level: studentid.LevelDistrict, Code: "0105", Batch: "20260902-001", Created: now}
	check := func(pkg []byte, name string) (*batch.PackageReport, []byte) {
		var failures bytes.Buffer
		fw, _ := batch.NewFailureWriter(&failures, "FAILURE_"+name, district)
		v := batch.Validator{Level: studentid.LevelDistrict, Sender: "01050001", Scheme: studentid.MOD11_10, OnError: fw.Add}
		rep, err := batch.CheckPackage(ctx, bytes.NewReader(pkg), int64(len(pkg)), name, v, batch.PhotoRules{Now: func() time.Time { return now }})
		if err != nil {
			fmt.Println(l10n.Error(err, l10n.Chinese))
		}
		_ = fw.Close()
		return rep, failures.Bytes()
	}

	bad := schoolPackage("01050001", 3, 1)
	rep, failures := check(bad, "CARDDATA_01050001_1.zip")
	fmt.Println("accepted:", rep.Accepted, "failed:", rep.Failed)
	_, _ = batch.ReadFailures(ctx, bytes.NewReader(failures), "failure file", func(f batch.Failure) error {
		fmt.Println("back to the school:", f.RawRegistryNo, f.Field, f.Reason)
		return nil
	})

	good := schoolPackage("01050001", 3, -1)
	rep, _ = check(good, "CARDDATA_01050001_2.zip")
	var out bytes.Buffer
	sum, err := batch.MergePackage(ctx, &out, district, batch.PackageSource{Name: "CARDDATA_01050001_2.zip", R: bytes.NewReader(good), Size: int64(len(good)), Accepted: rep.Digest})
	fmt.Println("accepted:", rep.Accepted, "merged for the city:", sum.Records, "records", sum.Photos, "photos", err)
	// Output:
	// accepted: false failed: 1
	// back to the school: 0105000103001022 birth_date BIRTH_DATE
	// accepted: true merged for the city: 3 records 3 photos <nil>
}

// The terminal (S-6, A-1, A-2, R-ISSUE-3, R-REG-1): a reader whose SAM is
// unlocked by its management card opens a session on a card, personalises
// it and registers it for the semester. The lab stands in for the key card,
// the PSAM and the card: production code passes a sam.PSAM and a PC/SC card.
func Example_terminal() {
	ctx := context.Background()
	l, _ := lab.New(ctx, sam.SM4, "terminal example")
	defer l.Close()
	chip, _ := l.Card(lab.Serial("terminal example", 1))

	clock := func() time.Time { return now }
	// The record from what the school knows; the stage, the school and the
	// validity follow from the registry number.
	id, _ := studentid.Parse("0105000103001014")
	st, err := card.NewStudent(id, "吴轩梓", studentid.Female, studentid.School{}, "北京市东城区和平里小学", now)
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	s, err := card.Open(ctx, chip, l.SAM, card.WithSchool(id.School()), card.WithClock(clock))
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	err = s.Personalise(ctx, st)
	fmt.Println("personalised:", err == nil, s.State().Status.Localize(l10n.Chinese))
	err = s.Register(ctx, card.Semester{Year: 2026, Term: 2})
	fmt.Println("registered for", s.State().Semester, err == nil)
	// Output:
	// personalised: true 已个人化
	// registered for 2026-2 true
}

// countingStore is a ledger author's Store: here the memory store with a
// count of its transactions, standing for a vendor's own database. Its
// conformance test is TestCountingStoreConformance below: one call of
// storetest.Run.
type countingStore struct {
	lifecycle.Store
	txs *atomic.Int64
}

func (s countingStore) Tx(ctx context.Context, fn func(lifecycle.Tx) error) error {
	s.txs.Add(1)
	return s.Store.Tx(ctx, fn)
}

func newCountingStore() countingStore {
	return countingStore{Store: lifecycle.NewMemStore(), txs: new(atomic.Int64)}
}

// The ledger author (R-OPS-1, P-3): a Store passes storetest.Run (see
// TestCountingStoreConformance), then a Ledger runs on it, every call in
// one transaction and audited.
func Example_ledgerAuthor() {
	ctx := context.Background()
	store := newCountingStore()
	defer store.Close()
	l, err := lifecycle.NewLedger(lifecycle.Config{Store: store, Clock: func() time.Time { return now }, Scheme: studentid.MOD11_10})
	if err != nil {
		fmt.Println(l10n.Error(err, l10n.Chinese))
		return
	}
	city := lifecycle.Operator{Level: studentid.LevelCity, User: "admin"}
	_, err = l.ReceiveStock(ctx, city, "shipment-1", []string{"RC0001", "RC0002"})
	n, _ := l.StockOf(ctx, city, lifecycle.StockKey{Level: studentid.LevelCity, Item: lifecycle.StockBlankRegistry})
	entries, verr := lifecycle.Audit{}.Verify(ctx, store, "city", lifecycle.AuditAnchor{})
	fmt.Println("stock:", n, err, "audited:", entries, verr, "transactions:", store.txs.Load() > 0)
	// Output:
	// stock: 2 <nil> audited: 1 <nil> transactions: true
}

// The example's Store passes the Store conformance suite.
func TestCountingStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) lifecycle.Store {
		s := newCountingStore()
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}
