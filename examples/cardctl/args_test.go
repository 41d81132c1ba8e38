package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bjedu/studentcard/adapters/pcsc"
	"github.com/bjedu/studentcard/card"
	"github.com/bjedu/studentcard/l10n"
	"github.com/bjedu/studentcard/l10n/l10ntest"
	"github.com/bjedu/studentcard/lifecycle"
	"github.com/bjedu/studentcard/studentid"
)

func TestArgumentErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // in the Chinese stderr
	}{
		{"no command", nil, ""},
		{"unknown command", []string{"frobnicate"}, `未知命令 "frobnicate"`},
		{"unknown global flag", []string{"--colour", "validate"}, "未知参数 -colour"},
		{"unknown language", []string{"--lang", "fr", "validate"}, `未知语言 "fr"`},
		{"bad clock", []string{"--now", "yesterday", "validate"}, "--now"},
		{"unknown command flag", []string{"validate", "--levle", "city", "x.txt"}, "未知参数 -levle"},
		{"flag without value", []string{"merge", "-o"}, "参数缺少取值：-o"},
		{"C-MAKE-2/validate without file", []string{"validate", "--code", "0108"}, "validate 只接受一个文件"},
		{"C-MAKE-2/validate two files", []string{"validate", "--code", "0108", "a.txt", "b.txt"}, "validate 只接受一个文件"},
		{"C-MAKE-2/validate at the school", []string{"validate", "--level", "school", "a.txt"}, "--level"},
		{"C-MAKE-2/district without code", []string{"validate", "a.txt"}, "级别 district 必须指定 --code"},
		{"C-ISSUE-1/split by class", []string{"split", "--by", "class", "r.txt"}, "--by"},
		{"C-PACK-1/negative box", []string{"handover", "--big", "-1", "r.txt"}, "装箱容量不能为负数"},
		{"C-PACK-1/box size not a number", []string{"handover", "--big", "ten", "r.txt"}, "参数 "},
		{"R-LIST-1/lists without subcommand", []string{"lists"}, "lists 需要子命令"},
		{"R-LIST-1/build covers", []string{"lists", "build", "--dev-keys", "x", "--version", "1", "--covers", "stolen", "-o", "l", "e"}, "--covers"},
		{"R-LIST-1/build digest", []string{"lists", "build", "--dev-keys", "x", "--version", "1", "--digest", "md5", "-o", "l", "e"}, "--digest"},
		{"R-LIST-1/two signing keys", []string{"lists", "build", "--dev-keys", "x", "--sign-key", "k.pem", "--version", "1", "-o", "l", "e"}, "只能指定一个"},
		{"R-ISSUE-3/card without subcommand", []string{"card"}, "card 需要子命令"},
		{"R-ISSUE-3/card unknown subcommand", []string{"card", "format"}, "未知的 card 子命令"},
		{"R-ISSUE-3/no card", []string{"card", "inspect", "--dev-keys", "x"}, "需要指定卡片"},
		{"R-ISSUE-3/sim and reader", []string{"card", "inspect", "--sim", "--reader", "R", "--dev-keys", "x"}, "只能指定一个"},
		{"R-ISSUE-3/sim without keys", []string{"card", "inspect", "--sim"}, "--sim 需要 --dev-keys"},
		{"R-ISSUE-3/reader without keys", []string{"card", "inspect", "--reader", "R"}, "需要密钥"},
		{"S-6/psam without config", []string{"card", "inspect", "--reader", "R", "--psam", "S"}, "--psam 需要 --psam-config"},
		{"S-6/psam and dev keys", []string{"card", "inspect", "--reader", "R", "--psam", "S", "--psam-config", "c", "--dev-keys", "x"}, "只能指定一个"},
		{"R-ISSUE-3/state without sim", []string{"card", "inspect", "--reader", "R", "--dev-keys", "x", "--sim-state", "f"}, "--sim-state 需要与 --sim 一起使用"},
		{"R-ISSUE-3/negative wait", []string{"card", "inspect", "--reader", "R", "--dev-keys", "x", "--wait", "-1s"}, "--wait"},
		{"R-ISSUE-3/wait without reader", []string{"card", "inspect", "--sim", "--dev-keys", "x", "--wait", "1s"}, "--wait 只能与 --reader 一起使用"},
		{"R-ISSUE-3/bad school code", []string{"card", "inspect", "--sim", "--dev-keys", "x", "--school", "12ab56"}, "--school"},
		{"R-ISSUE-3/bad suite", []string{"card", "inspect", "--sim", "--dev-keys", "x", "--suite", "aes"}, "--suite"},
		{"R-ISSUE-3/bad serial", []string{"card", "inspect", "--sim", "--dev-keys", "x", "--serial", "12"}, "--serial"},
		{"R-ISSUE-3/personalise without name", []string{"card", "personalise", "--sim", "--dev-keys", "x"}, "personalise 需要"},
		{"R-ISSUE-3/bad gender", []string{"card", "personalise", "--sim", "--dev-keys", "x", "--registry", "0108000103001016", "--name", "王", "--gender", "x", "--school-name", "s"}, "--gender"},
		{"R-ISSUE-3/bad date", []string{"card", "personalise", "--sim", "--dev-keys", "x", "--registry", "0108000103001016", "--name", "王", "--gender", "male", "--school-name", "s", "--valid-until", "2032-08-31"}, "--valid-until"},
		{"R-REG-1/bad semester", []string{"card", "register", "--sim", "--dev-keys", "x", "--school", "080001", "--semester", "2026-3"}, "--semester"},
		{"R-TIME-1/overdue without db", []string{"overdue"}, "必须指定 --db"},
		{"R-TIME-1/overdue bad level", []string{"overdue", "--db", "x", "--level", "province"}, "--level"},
		{"R-TIME-1/overdue limit", []string{"overdue", "--db", "x", "--limit", "0"}, "--limit"},
		{"help for unknown command", []string{"help", "frobnicate"}, `未知命令 "frobnicate"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := inproc(c.args...)
			assert.Equal(t, exitUsage, o.code, o.stderr)
			assert.Contains(t, o.stderr, c.want)
			if c.args != nil {
				assert.Contains(t, o.stderr, "运行 'cardctl help' 查看用法。")
			}
		})
	}
}

func TestArgumentErrorsJSONAndEnglish(t *testing.T) {
	o := inproc("--json", "--lang", "en", "validate")
	require.Equal(t, exitUsage, o.code)
	doc := jsonOut(t, o)
	assert.Equal(t, "validate", doc["command"])
	assert.Equal(t, false, doc["ok"])
	assert.EqualValues(t, exitUsage, doc["exit_code"])
	assert.Equal(t, map[string]any{"kind": "usage", "message": "usage error: validate takes one file"}, doc["error"])
	assert.Contains(t, o.stderr, "cardctl: usage error: validate takes one file\nRun 'cardctl help' for usage.")
}

func TestHelp(t *testing.T) {
	o := inproc("help")
	require.Equal(t, exitOK, o.code)
	assert.Contains(t, o.stdout, "退出码：")
	assert.Contains(t, o.stdout, "5    禁止：超出操作员的级别或范围")
	assert.Contains(t, o.stdout, "切勿用于生产")
	for _, c := range commands() {
		assert.Contains(t, o.stdout, "  "+c.name)
	}
	o = inproc("--lang", "en", "help", "card")
	require.Equal(t, exitOK, o.code)
	assert.Contains(t, o.stdout, "cardctl card personalise|register|inspect|recover")
	o = inproc("validate", "-h")
	require.Equal(t, exitOK, o.code)
	assert.Contains(t, o.stdout, "cardctl validate")
	o = inproc("lists", "--help")
	require.Equal(t, exitOK, o.code)
	assert.Contains(t, o.stdout, "cardctl lists lookup")
	o = inproc()
	assert.Equal(t, exitUsage, o.code)
	assert.Contains(t, o.stdout, "用法：cardctl")
}

// TestFlagsBetweenFiles: flags may follow the positional arguments, and
// global flags may follow the command.
func TestFlagsBetweenFiles(t *testing.T) {
	o := inproc("validate", "nope.txt", "--code", "0108", "--lang", "en")
	assert.Equal(t, exitIO, o.code)
	assert.Contains(t, o.stderr, "open nope.txt: no such file")
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"usage", usagef("x"), exitUsage},
		{"C-3/validation failed", errInvalid, exitInvalid},
		{"S-4/forbidden", fmt.Errorf("wrapped: %w", lifecycle.ErrForbidden), exitForbidden},
		{"unsupported build", &pcsc.Error{Op: "SCardEstablishContext", Code: 0}, exitCard},
		{"no PC/SC", pcsc.ErrUnsupported, exitUnsupported},
		{"A-2/card refused key", &card.AuthError{Retries: 2, Err: errors.New("63C2")}, exitCard},
		{"R-RECOVER-1/card state", &card.StateError{Op: card.OpRegister, Status: card.Recovered}, exitCard},
		{"file", ioErr(&os.PathError{Op: "open", Path: "x", Err: os.ErrNotExist}), exitIO},
		{"interrupted", context.Canceled, exitInterrupted},
		{"simulated card file", &simStateError{path: "x", reason: "bad serial", err: card.ErrWrongKey}, exitIO},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, exitCode(c.err))
		})
	}
}

// TestCatalog proves every text cardctl prints has Chinese: every literal
// passed to the catalog in the source, and the card and lifecycle names the
// output translates.
func TestCatalog(t *testing.T) {
	l10ntest.Check(t, messages, l10ntest.Source{
		Calls:  []l10ntest.Call{{Func: "e.t", Arg: 0}, {Func: "usagef", Arg: 0}, {Func: "bad", Arg: 0}},
		Fields: []string{"reason", "msg"},
		Elems:  []l10ntest.Elem{{Type: "command", Index: 1}},
		Skip:   []string{"messages.go"},
		Min:    100,
	})
	for _, c := range commands() {
		if key, ok := commandHelp(c.name); ok {
			assert.True(t, messages.Has(key), c.name)
		} else {
			assert.Equal(t, "help", c.name, "every command has help")
		}
	}
	for _, key := range []string{helpGlobal, helpExit, helpOutputs, helpKeys} {
		assert.True(t, messages.Has(key))
	}
	// The card's and the ledger's names come from their own packages (no
	// copies here): what cardctl prints of them is Chinese.
	l10ntest.Renders(t, card.Blank, card.TransferredIn, card.OpRecover, card.OpNone, studentid.Male, studentid.StageSenior, card.TypeTemporary,
		studentid.LevelCity, studentid.LevelSchool)
	assert.Equal(t, "用法错误：未知命令 \"x\"", l10n.Error(usagef("unknown command %q", "x"), l10n.Chinese))
}
