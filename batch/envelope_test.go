package batch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/studentid"
)

var testTime = time.Date(2026, 9, 1, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))

func testHeader(enc Encoding, alg DigestAlg) Header {
	return Header{Kind: "TEST", Version: 1, Level: studentid.LevelSchool, Code: "01010001", Batch: "2026-001",
		Created: testTime, Encoding: enc, Digest: alg, Columns: []string{"a", "b", "c"}}
}

func writeFile(t testing.TB, h Header, recs [][]string, opts ...WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "t.txt", h, opts...)
	require.NoError(t, err)
	for _, r := range recs {
		require.NoError(t, w.WriteRecord(r))
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func readAll(data []byte) ([][]string, Summary, error) {
	r := NewReader(bytes.NewReader(data), "t.txt")
	var out [][]string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, r.Summary(), nil
		}
		if err != nil {
			return out, Summary{}, err
		}
		out = append(out, rec.Fields)
	}
}

var tricky = [][]string{
	{"北京市\"红旗\"中学,分校", "张三", ""},
	{"#not a trailer", "a,b", `""`},
	{"plain", "䶮 (GB18030 ext)", "ü·é"},
	{"", "", ""},
}

func TestEnvelopeRoundTrip(t *testing.T) {
	for _, enc := range []Encoding{GB18030, UTF8} {
		for _, alg := range []DigestAlg{SHA256, SM3} {
			for _, lf := range []bool{false, true} {
				var opts []WriterOption
				if lf {
					opts = append(opts, WithLF())
				}
				data := writeFile(t, testHeader(enc, alg), tricky, opts...)
				got, sum, err := readAll(data)
				require.NoError(t, err, "%s %s lf=%v", enc, alg, lf)
				assert.Equal(t, tricky, got)
				assert.EqualValues(t, len(tricky), sum.Records)
				assert.Equal(t, "TEST", sum.Header.Kind)
				assert.True(t, sum.Header.Created.Equal(testTime))
				assert.Equal(t, lf, !bytes.Contains(data, []byte("\r\n")))
			}
		}
	}
}

func TestEnvelopeGB18030OnDisk(t *testing.T) {
	data := writeFile(t, testHeader(GB18030, SHA256), [][]string{{"张", "b", "c"}})
	assert.Contains(t, string(data), "\xd5\xc5,b,c\r\n", "张 is D5C5 in GB18030")
	data = writeFile(t, testHeader(UTF8, SHA256), [][]string{{"张", "b", "c"}})
	assert.Contains(t, string(data), "张,b,c\r\n")
}

func TestEnvelopeCRLFConversionKeepsDigest(t *testing.T) {
	data := writeFile(t, testHeader(GB18030, SHA256), tricky)
	lf := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	got, _, err := readAll(lf)
	require.NoError(t, err)
	assert.Equal(t, tricky, got)
}

func TestEnvelopeRefusesDamage(t *testing.T) {
	recs := [][]string{{"1", "x", "y"}, {"2", "x", "y"}, {"3", "x", "y"}}
	good := string(writeFile(t, testHeader(GB18030, SHA256), recs, WithLF()))
	lines := strings.SplitAfter(good, "\n")
	lines = lines[:len(lines)-1] // SplitAfter leaves a final ""
	join := func(ls ...string) []byte { return []byte(strings.Join(ls, "")) }
	for _, tc := range []struct {
		name string
		data []byte
		want error
		line int
	}{
		{"truncated/no trailer", join(lines[:5]...), ErrTruncated, 6},
		{"truncated/mid trailer", []byte(good[:len(good)-10]), ErrTruncated, 6},
		{"truncated/mid record", []byte(strings.Join(lines[:4], "") + lines[4][:3]), ErrTruncated, 5},
		{"truncated/header only", join(lines[0]), ErrTruncated, 2},
		{"truncated/empty", nil, ErrTruncated, 1},
		{"reordered", join(lines[0], lines[1], lines[3], lines[2], lines[4], lines[5]), ErrDigest, 6},
		{"tampered record", []byte(strings.Replace(good, "2,x,y", "2,x,z", 1)), ErrDigest, 6},
		{"tampered header", []byte(strings.Replace(good, "2026-001", "2026-002", 1)), ErrDigest, 6},
		{"record dropped", join(lines[0], lines[1], lines[2], lines[4], lines[5]), ErrCount, 5},
		{"trailing data", []byte(good + "4,x,y\n"), ErrTrailingData, 7},
		{"concatenated", []byte(good + good), ErrTrailingData, 7},
		{"not an envelope", []byte("a,b,c\n"), ErrHeader, 1},
		{"envelope version", []byte(strings.Replace(good, "#SCBATCH,1,", "#SCBATCH,2,", 1)), ErrVersion, 1},
		{"bad encoding name", []byte(strings.Replace(good, "GB18030", "BIG5", 1)), ErrEncoding, 1},
		{"no columns", join(lines[0], lines[2]), ErrColumns, 2},
		{"bad trailer", []byte(strings.Replace(good, "#END,3,", "#END,x,", 1)), ErrTrailer, 6},
		{"stray hash line", join(lines[0], lines[1], "#COMMENT\n"), ErrTrailer, 3},
		{"long line", []byte(lines[0] + lines[1] + strings.Repeat("a", MaxLineLength+10) + "\n"), ErrLineTooLong, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(tc.data)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "t.txt", pe.File)
			assert.Equal(t, tc.line, pe.Line, err.Error())
			_, err = Verify(context.Background(), bytes.NewReader(tc.data), "t.txt")
			assert.ErrorIs(t, err, tc.want, "Verify agrees")
		})
	}
}

func TestEnvelopeRecordErrorsAreNotFinal(t *testing.T) {
	good := string(writeFile(t, testHeader(UTF8, SHA256), [][]string{{"1", "x", "y"}, {"2", "x", "y"}, {"3", "x", "y"}}, WithLF()))
	for _, tc := range []struct {
		name, from, to string
		want           error
		field          string
	}{
		{"bare quote", "2,x,y", `2,x"x,y`, ErrQuote, "b"},
		{"unterminated quote", "2,x,y", `2,"x,y`, ErrQuote, "b"},
		{"text after quote", "2,x,y", `2,"x"x,y`, ErrQuote, "b"},
		{"field count", "2,x,y", "2,x,y,z", ErrFieldCount, ""},
		{"wrongly encoded", "2,x,y", "2,\xff\xfe,y", ErrEncoding, "b"},
		{"lone CR", "2,x,y", "2,x\ry,y", ErrNewline, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := strings.Replace(good, tc.from, tc.to, 1)
			r := NewReader(strings.NewReader(data), "t.txt")
			_, err := r.Next()
			require.NoError(t, err)
			_, err = r.Next()
			require.ErrorIs(t, err, tc.want)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, 4, pe.Line)
			assert.Equal(t, tc.field, pe.Field)
			rec, err := r.Next()
			require.NoError(t, err, "the reader moves on to the next line")
			assert.Equal(t, 5, rec.Line)
			_, err = r.Next()
			assert.ErrorIs(t, err, ErrDigest, "and the edit is still caught by the digest")
		})
	}
}

func TestEnvelopeWrongEncodingDeclared(t *testing.T) {
	gb := writeFile(t, testHeader(GB18030, SHA256), [][]string{{"学生", "张三", "c"}})
	asUTF8 := bytes.Replace(gb, []byte(",GB18030,"), []byte(",UTF-8,"), 1)
	_, _, err := readAll(asUTF8)
	assert.ErrorIs(t, err, ErrEncoding)
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, pe.Line)
	assert.Equal(t, "a", pe.Field)
}

func TestWriterRefusesBadInput(t *testing.T) {
	var buf bytes.Buffer
	_, err := NewWriter(&buf, "w", Header{Kind: "x"})
	assert.ErrorIs(t, err, ErrHeader)
	h := testHeader(GB18030, SHA256)
	h.Columns = []string{"a", "a"}
	_, err = NewWriter(&buf, "w", h)
	assert.ErrorIs(t, err, ErrColumns)
	w, err := NewWriter(&buf, "w", testHeader(GB18030, SHA256))
	require.NoError(t, err)
	assert.ErrorIs(t, w.WriteRecord([]string{"a"}), ErrFieldCount)
	err = w.WriteRecord([]string{"a", "b\nc", "d"})
	assert.ErrorIs(t, err, ErrNewline)
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "b", pe.Field)
	assert.ErrorIs(t, w.WriteRecord([]string{"a", "\xff", "d"}), ErrEncoding)
	require.NoError(t, w.Close())
	assert.ErrorIs(t, w.WriteRecord([]string{"a", "b", "c"}), ErrClosed)
	assert.EqualValues(t, 0, w.Count())
}

func TestOpenAndSpool(t *testing.T) {
	data := writeFile(t, testHeader(GB18030, SM3), tricky)
	ctx := context.Background()
	r, sum, err := Open(ctx, bytes.NewReader(data), "t.txt")
	require.NoError(t, err)
	assert.EqualValues(t, 4, sum.Records)
	rec, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, tricky[0], rec.Fields)

	sp, _, err := Spool(ctx, bytes.NewReader(data), "t.txt", t.TempDir())
	require.NoError(t, err)
	rec, err = sp.Next()
	require.NoError(t, err)
	assert.Equal(t, 3, rec.Line)
	require.NoError(t, sp.Close())

	_, _, err = Open(ctx, bytes.NewReader(data[:len(data)-5]), "t.txt")
	assert.ErrorIs(t, err, ErrTruncated)
	_, _, err = Spool(ctx, bytes.NewReader(data[:len(data)-5]), "t.txt", t.TempDir())
	assert.ErrorIs(t, err, ErrTruncated)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Verify(cctx, bytes.NewReader(data), "t.txt")
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestParseErrorLocalized(t *testing.T) {
	err := &ParseError{File: "a.txt", Line: 7, Field: "name", Err: gotWant(ErrFieldCount, 2, 3)}
	assert.Equal(t, "a.txt:7: field name: wrong number of fields: got 2, want 3", err.Error())
	assert.Equal(t, "a.txt 第7行 字段姓名：字段数不符：实际为2，应为3", l10n.Error(err, l10n.Chinese))
	assert.Equal(t, "a.txt: file truncated: trailer missing or incomplete", (&ParseError{File: "a.txt", Err: ErrTruncated}).Error())
	assert.Equal(t, "a.txt 第2行：文件不完整：缺少或截断了文件尾", l10n.Error(&ParseError{File: "a.txt", Line: 2, Err: ErrTruncated}, l10n.Chinese))
}
