package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/bjedu/studentcard/l10n"
)

// TestEnglishPlurals: English says "1 day", "1 problem", "2 days"; Chinese
// has no plural and reads the same for any count.
func TestEnglishPlurals(t *testing.T) {
	due := time.Date(2026, 8, 21, 0, 0, 0, 0, time.UTC)
	overdue := func(n, days int) *overdueResult {
		r := &overdueResult{Count: n, Scope: "the whole city"}
		for range n {
			r.Deadlines = append(r.Deadlines, deadlineJSON{ID: "X", Rule: "R-LOSS-3", Subject: "S", Level: "city", DueAt: due, OverdueDays: days})
		}
		return r
	}
	cases := []struct {
		name   string
		res    result
		en, zh string
	}{
		{"C-3/one record, one problem", &validateResult{File: "a.txt", Records: 1, Failed: 1, Problems: 1, FailureFile: "f"},
			"a.txt: 1 record, 1 failed, 1 problem: refused", "a.txt：1 条记录，1 条未通过，共 1 个问题：拒收"},
		{"C-3/two records, two problems", &validateResult{File: "a.txt", Records: 2, Failed: 1, Problems: 2, FailureFile: "f"},
			"a.txt: 2 records, 1 failed, 2 problems: refused", "a.txt：2 条记录，1 条未通过，共 2 个问题：拒收"},
		{"C-MAKE-2/one record accepted", &validateResult{File: "a.txt", Records: 1, Accepted: true},
			"a.txt: 1 record, all passed: accepted", "a.txt：1 条记录，全部通过：接收"},
		{"R-LOSS-3/one day overdue", overdue(1, 1), "due 2026-08-21 08:00, 1 day overdue\n1 overdue deadline in the whole city", "已超期 1 天"},
		{"R-LOSS-3/two days overdue", overdue(2, 2), "2 days overdue\nR-LOSS-3 X S (city) due 2026-08-21 08:00, 2 days overdue\n2 overdue deadlines in", "已超期 2 天"},
		{"C-ISSUE-1/one part", &splitResult{Parts: []partResult{{Code: "0108", File: "p", Records: 1}}},
			"0108: 1 record -> p\n1 part written", "0108：1 条记录 -> p\n共写出 1 个文件"},
		{"C-MAKE-2/one file merged", &mergeResult{Output: "o", Inputs: []string{"a"}, Records: 1, RareEntries: 1, RareOutput: "r"},
			"1 file merged: 1 record -> o\n1 rare-character description -> r", "已合并 1 个文件：1 条记录 -> o\n1 条生僻字说明 -> r"},
		{"C-2/package merged", &mergeResult{Output: "o", Inputs: []string{"a", "b"}, Package: true, Records: 2, RareEntries: 2, Photos: 1},
			"2 files merged: 2 records -> o\n2 rare-character descriptions and 1 photo in the package", "数据包内含2 条生僻字说明和1 张照片"},
		{"C-PACK-1/one card, one box", &handoverResult{Cards: 1, Boxes: make([]boxResult, 1)}, "1 card in 1 small box", "共 1 张卡，1 个小箱"},
		{"C-ISSUE-4/one group", &reconcileResult{Sheet: "s", SheetCards: 1, CountedCards: 2, Duplicates: 1, Differences: make([]countDiffJSON, 1), Regenerated: "n"},
			"1 card scanned more than once, counted once\n\ns: counts differ in 1 group: sheet 1 card, counted 2 cards", "s：1 组清点数与交接单不符：交接单 1 张卡，清点 2 张卡"},
		{"R-LIST-1/one of each", &listsMergeResult{Output: "o", Read: 1, Written: 1, Duplicates: 1, Conflicts: 1},
			"1 event read, 1 written, 1 duplicate dropped, 1 conflict -> o", "读入 1 个事件，写出 1 个，去掉重复 1 个，冲突 1 个 -> o"},
		{"R-LIST-1/list of one", &listResult{Output: "o", Version: 3, Entries: 1, Events: 1, Covers: "lost", Bytes: 1},
			"list version 3: 1 card (lost), 1 event folded, 1 byte -> o", "名单版本 3：1 张卡（已挂失），归并 1 个事件，1 字节 -> o"},
		{"R-LIST-1/delta of one", &diffResult{Output: "o", Base: 1, Version: 2, Changes: make([]changeResult, 1), Bytes: 2},
			"delta 1 -> 2: 1 change, 2 bytes -> o", "差分 1 -> 2：1 项变化，2 字节 -> o"},
		{"R-LIST-1/lookup", &lookupResult{Version: 2, Cards: 1}, "list version 2, 1 card", "名单版本 2，共 1 张卡"},
		{"R-LIST-1/export", &exportResult{Scope: "school 01080001", Day: "2026-09-02", Events: 1, Output: "o"},
			"school 01080001, 2026-09-02: 1 event -> o", "school 01080001，2026-09-02：1 个事件 -> o"},
		{"R-ISSUE-3/one APDU", &cardResult{Serial: "S", Suite: "SM4", Type: "registry", Status: "blank", Semester: "none", APDUs: 1, ModelledMS: 1},
			"1 APDU, 1.0 ms modelled", "1 条 APDU，模拟耗时 1.0 毫秒"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var en, zh strings.Builder
			c.res.text(&env{stdout: &en, lang: l10n.English})
			c.res.text(&env{stdout: &zh, lang: l10n.Chinese})
			assert.Contains(t, en.String(), c.en)
			assert.Contains(t, zh.String(), c.zh)
			assert.NotRegexp(t, `\b1 (records|problems|days|files|cards|events|bytes|changes|APDUs|photos|groups)\b`, en.String())
		})
	}
}
