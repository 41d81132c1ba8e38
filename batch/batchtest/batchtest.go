// Package batchtest generates deterministic, valid batch files for tests,
// demos and benchmarks: N card-making records for a school ([Record],
// [Records], [WriteCardData]), their package with photos ([WritePackage]),
// and the factory's result file matching them ([Results], [WriteResults],
// with spoilt cards at chosen rates), with the inputs of handover sheets that
// file implies ([Counts] for batch.Pack, [Tally] for batch.Reconcile). The
// same arguments always give the same bytes, so demos are reproducible and
// golden files stable.
//
// Registry numbers carry check digits of the reference scheme
// studentid.MOD11_10 (not the commission's algorithm, S-ID-6); resident ID
// numbers are valid GB 11643 numbers with birth date and sex consistent with
// the record. Everything is synthetic: no real person's data.
package batchtest

import (
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/bjedu/studentcard/batch"
	"github.com/bjedu/studentcard/internal/digits"
	"github.com/bjedu/studentcard/studentid"
)

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")

var given = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力林斌宇浩凯鹏晨欣怡然子涵梓轩雨泽一诺思彤博佳琪嘉乐天睿安心宁悦")

// MaxRecords is the most records Records generates for one school: 99 seats ×
// 99 classes × 100 cohorts for each student category the school teaches.
func MaxRecords(school string) int {
	c, ok := schoolCategory(school)
	if !ok {
		return 0
	}
	return 99 * 99 * 100 * len(categories(c))
}

// schoolCategory reads position 5 of an 8-digit school code.
func schoolCategory(school string) (studentid.SchoolCategory, bool) {
	if !digits.Is(school, 8) {
		return 0, false
	}
	c := studentid.SchoolCategory(school[4] - '0')
	return c, c.Valid()
}

func categories(c studentid.SchoolCategory) []studentid.StudentCategory {
	var out []studentid.StudentCategory
	for _, s := range c.StudentCategories() {
		if s != 3 { // vocational students get no card (S-3)
			out = append(out, s)
		}
	}
	return out
}

// Record returns the i-th (0-based) generated record of school (8 digits:
// registry number positions 1-8). Registry numbers and resident IDs are
// unique for i < MaxRecords(school); seed varies names and regions only.
func Record(school, schoolName string, i int, seed uint64) (batch.CardRecord, error) {
	sc, ok := schoolCategory(school)
	if !ok {
		return batch.CardRecord{}, fmt.Errorf("batchtest: school %q is not an 8-digit school code", school)
	}
	cats := categories(sc)
	if len(cats) == 0 || i < 0 || i >= MaxRecords(school) {
		return batch.CardRecord{}, fmt.Errorf("batchtest: record %d out of range for school %s", i, school)
	}
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	code, err := studentid.ParseSchool(school)
	if err != nil || code.Category() != sc {
		return batch.CardRecord{}, fmt.Errorf("batchtest: school %q is not an 8-digit school code", school)
	}
	id, err := studentid.Build(studentid.Fields{
		School:          code,
		StudentCategory: cats[i/(99*99*100)], Cohort: (30 + i/(99*99)) % 100, Class: i/99%99 + 1, Seat: i%99 + 1,
	}, studentid.MOD11_10)
	if err != nil {
		return batch.CardRecord{}, err
	}
	// Birth year fits the stage and cohort (graduation at 12, 15 or 18);
	// (day, sequence) is unique within a cohort and category, so resident
	// IDs never repeat.
	cohort := (30 + i/(99*99)) % 100
	catIdx := i / (99 * 99 * 100)
	j := i % (99 * 99)
	age := 12
	switch cats[catIdx] {
	case 1, 5, 8:
		age = 15
	case 2, 6, 9:
		age = 18
	}
	birth := time.Date(2000+cohort-age, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, j/1000+12*catIdx)
	region := fmt.Sprintf("1101%02d", 1+rng.IntN(16))
	seq := j % 1000
	rid, err := studentid.BuildResidentID(region, birth, seq)
	if err != nil {
		return batch.CardRecord{}, err
	}
	name := string(surnames[rng.IntN(len(surnames))]) + string(given[rng.IntN(len(given))])
	if rng.IntN(2) == 0 {
		name += string(given[rng.IntN(len(given))])
	}
	return batch.CardRecord{
		SchoolName: schoolName, Name: name, Gender: rid.Sex(), RegistryNo: id,
		ResidentID: rid.String(), BirthDate: birth.Format("20060102"),
	}, nil
}

// Records yields n generated records of school (see Record); it stops early
// (yielding the error) if n exceeds MaxRecords.
func Records(school, schoolName string, n int, seed uint64) iter.Seq2[batch.CardRecord, error] {
	return func(yield func(batch.CardRecord, error) bool) {
		for i := 0; i < n; i++ {
			r, err := Record(school, schoolName, i, seed)
			if !yield(r, err) || err != nil {
				return
			}
		}
	}
}

// School returns a school sender header for school at created (GB18030,
// SHA-256), batch number "T<created date>-001".
func School(school string, created time.Time) batch.Header {
	return batch.Header{Level: studentid.LevelSchool, Code: school, Batch: "T" + created.Format("20060102") + "-001", Created: created}
}

// WriteCardData writes a CardData file of n generated records (C-MAKE-1).
func WriteCardData(w io.Writer, sender batch.Header, schoolName string, n int, seed uint64, opts ...batch.WriterOption) error {
	wr, err := batch.CardData.NewWriter(w, "carddata.txt", sender, opts...)
	if err != nil {
		return err
	}
	for r, err := range Records(sender.Code, schoolName, n, seed) {
		if err != nil {
			return err
		}
		if err := wr.WriteRecord(r.Fields()); err != nil {
			return err
		}
	}
	return wr.Close()
}

// Photo returns a 640×480 (portrait: 480 wide, 640 high) 24-bit colour JPEG
// at quality 90 that passes every C-2 check: a head-and-shoulders figure on
// an ID-photo blue background, the head 65 % of the photo's width and
// height, with noise of ±2 levels. seed picks one of PhotoVariants (the
// head's position and the shirt's colour vary). It is
// PhotoSpec{Seed: seed, Noise: 2}.JPEG().
func Photo(seed uint64) ([]byte, error) { return PhotoSpec{Seed: seed, Noise: 2}.JPEG() }

// WritePackage writes a card-making data package (zip) of n generated
// records, each with a photo, and an empty rare-character description. It
// keeps the n registry numbers in memory (16 bytes each) between the data
// entry and the photos: meant for demo-sized schools.
func WritePackage(w io.Writer, sender batch.Header, schoolName string, n int, seed uint64) error {
	pw := batch.NewPackageWriter(w)
	dw, err := pw.CardData(sender)
	if err != nil {
		return err
	}
	var ids []studentid.ID
	for r, err := range Records(sender.Code, schoolName, n, seed) {
		if err != nil {
			return err
		}
		if err := dw.WriteRecord(r.Fields()); err != nil {
			return err
		}
		ids = append(ids, r.RegistryNo)
	}
	if err := dw.Close(); err != nil {
		return err
	}
	rw, err := pw.RareChars(sender)
	if err != nil {
		return err
	}
	if err := rw.Close(); err != nil {
		return err
	}
	photo, err := Photo(seed)
	if err != nil {
		return err
	}
	for _, id := range ids {
		pwr, err := pw.Photo(id)
		if err != nil {
			return err
		}
		if _, err := pwr.Write(photo); err != nil {
			return err
		}
	}
	return pw.Close()
}
