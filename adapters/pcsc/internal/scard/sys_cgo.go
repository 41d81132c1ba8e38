//go:build cgo && (linux || darwin || freebsd)

package scard

/*
#cgo linux LDFLAGS: -ldl
#cgo freebsd CFLAGS: -I/usr/local/include/PCSC
#cgo freebsd LDFLAGS: -L/usr/local/lib -lpcsclite
#cgo darwin LDFLAGS: -framework PCSC

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
// On Linux pcsc-lite is loaded at run time (dlopen), so the module builds
// and its tests run on a machine without libpcsclite-dev, and a program
// without PC/SC on its machine gets ErrNoLibrary instead of failing to
// start. The declarations are pcsc-lite's own (wintypes.h, pcsclite.h):
// DWORD and LONG are C long on Linux, the structures are not packed.
#include <dlfcn.h>
#include <pthread.h>

typedef long LONG;
typedef unsigned long DWORD;
typedef LONG SCARDCONTEXT;
typedef LONG SCARDHANDLE;
typedef struct { unsigned long dwProtocol; unsigned long cbPciLength; } SCARD_IO_REQUEST;
#define MAX_ATR_SIZE 33
typedef struct {
	const char *szReader;
	void *pvUserData;
	DWORD dwCurrentState;
	DWORD dwEventState;
	DWORD cbAtr;
	unsigned char rgbAtr[MAX_ATR_SIZE];
} SCARD_READERSTATE;
#define SCARD_PROTOCOL_T0 0x0001
#define SCARD_PROTOCOL_T1 0x0002
#define SCARD_E_NO_MEMORY ((LONG)0x80100006)
static const SCARD_IO_REQUEST sc_pci_t0 = {SCARD_PROTOCOL_T0, sizeof(SCARD_IO_REQUEST)};
static const SCARD_IO_REQUEST sc_pci_t1 = {SCARD_PROTOCOL_T1, sizeof(SCARD_IO_REQUEST)};
#define SCARD_PCI_T0 (&sc_pci_t0)
#define SCARD_PCI_T1 (&sc_pci_t1)

static struct {
	LONG (*EstablishContext)(DWORD, const void *, const void *, SCARDCONTEXT *);
	LONG (*ReleaseContext)(SCARDCONTEXT);
	LONG (*ListReaders)(SCARDCONTEXT, const char *, char *, DWORD *);
	LONG (*Connect)(SCARDCONTEXT, const char *, DWORD, DWORD, SCARDHANDLE *, DWORD *);
	LONG (*Reconnect)(SCARDHANDLE, DWORD, DWORD, DWORD, DWORD *);
	LONG (*Disconnect)(SCARDHANDLE, DWORD);
	LONG (*BeginTransaction)(SCARDHANDLE);
	LONG (*EndTransaction)(SCARDHANDLE, DWORD);
	LONG (*Cancel)(SCARDCONTEXT);
	LONG (*Status)(SCARDHANDLE, char *, DWORD *, DWORD *, DWORD *, unsigned char *, DWORD *);
	LONG (*Transmit)(SCARDHANDLE, const SCARD_IO_REQUEST *, const unsigned char *, DWORD, SCARD_IO_REQUEST *, unsigned char *, DWORD *);
	LONG (*GetStatusChange)(SCARDCONTEXT, DWORD, SCARD_READERSTATE *, DWORD);
} sc_lib;
static int sc_lib_ok;
static pthread_once_t sc_lib_once = PTHREAD_ONCE_INIT;

#define SC_SYM(h, f) ((*(void **)&sc_lib.f = dlsym(h, "SCard" #f)) != NULL)

static void sc_lib_load(void) {
	void *h = dlopen("libpcsclite.so.1", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		h = dlopen("libpcsclite.so", RTLD_NOW | RTLD_LOCAL);
	}
	if (h == NULL) {
		return;
	}
	sc_lib_ok = SC_SYM(h, EstablishContext) && SC_SYM(h, ReleaseContext) && SC_SYM(h, ListReaders) &&
		SC_SYM(h, Connect) && SC_SYM(h, Reconnect) && SC_SYM(h, Disconnect) &&
		SC_SYM(h, BeginTransaction) && SC_SYM(h, EndTransaction) && SC_SYM(h, Cancel) &&
		SC_SYM(h, Status) && SC_SYM(h, Transmit) && SC_SYM(h, GetStatusChange);
}

// sc_loaded loads pcsc-lite once; it reports whether every function is there.
static int sc_loaded(void) {
	pthread_once(&sc_lib_once, sc_lib_load);
	return sc_lib_ok;
}

#define SCardEstablishContext (*sc_lib.EstablishContext)
#define SCardReleaseContext (*sc_lib.ReleaseContext)
#define SCardListReaders (*sc_lib.ListReaders)
#define SCardConnect (*sc_lib.Connect)
#define SCardReconnect (*sc_lib.Reconnect)
#define SCardDisconnect (*sc_lib.Disconnect)
#define SCardBeginTransaction (*sc_lib.BeginTransaction)
#define SCardEndTransaction (*sc_lib.EndTransaction)
#define SCardCancel (*sc_lib.Cancel)
#define SCardStatus (*sc_lib.Status)
#define SCardTransmit (*sc_lib.Transmit)
#define SCardGetStatusChange (*sc_lib.GetStatusChange)
#else
#ifdef __APPLE__
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#else
#include <winscard.h>
#endif
// Elsewhere pcsc-lite (or the PCSC framework) is linked at build time.
static int sc_loaded(void) { return 1; }
#endif


// The helpers below keep DWORD and handle widths (64-bit on Linux, 32-bit
// on macOS) on the C side; Go sees only fixed-width integers. Each loads
// pcsc-lite first (once), so no call goes through a null function pointer,
// whatever the order of calls.

// SC_NO_LIBRARY is no PC/SC code: pcsc-lite could not be loaded.
#define SC_NO_LIBRARY 0x0000FFFE

static uint32_t sc_establish(uint32_t scope, uintptr_t *out) {
	if (!sc_loaded()) {
		*out = 0;
		return SC_NO_LIBRARY;
	}
	SCARDCONTEXT h = 0;
	LONG rv = SCardEstablishContext((DWORD)scope, NULL, NULL, &h);
	*out = (uintptr_t)h;
	return (uint32_t)rv;
}

static uint32_t sc_release(uintptr_t h) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	return (uint32_t)SCardReleaseContext((SCARDCONTEXT)h);
}

static uint32_t sc_list_readers(uintptr_t h, char *buf, uint32_t *len) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	DWORD n = buf ? (DWORD)*len : 0;
	LONG rv = SCardListReaders((SCARDCONTEXT)h, NULL, buf, &n);
	*len = (uint32_t)n;
	return (uint32_t)rv;
}

static uint32_t sc_connect(uintptr_t h, const char *reader, uint32_t mode, uint32_t protos, uintptr_t *card, uint32_t *active) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	SCARDHANDLE c = 0;
	DWORD a = 0;
	LONG rv = SCardConnect((SCARDCONTEXT)h, reader, (DWORD)mode, (DWORD)protos, &c, &a);
	*card = (uintptr_t)c;
	*active = (uint32_t)a;
	return (uint32_t)rv;
}

static uint32_t sc_reconnect(uintptr_t card, uint32_t mode, uint32_t protos, uint32_t init, uint32_t *active) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	DWORD a = 0;
	LONG rv = SCardReconnect((SCARDHANDLE)card, (DWORD)mode, (DWORD)protos, (DWORD)init, &a);
	*active = (uint32_t)a;
	return (uint32_t)rv;
}

static uint32_t sc_disconnect(uintptr_t card, uint32_t d) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	return (uint32_t)SCardDisconnect((SCARDHANDLE)card, (DWORD)d);
}

static uint32_t sc_begin(uintptr_t card) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	return (uint32_t)SCardBeginTransaction((SCARDHANDLE)card);
}

static uint32_t sc_end(uintptr_t card, uint32_t d) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	return (uint32_t)SCardEndTransaction((SCARDHANDLE)card, (DWORD)d);
}

static uint32_t sc_cancel(uintptr_t h) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	return (uint32_t)SCardCancel((SCARDCONTEXT)h);
}

static uint32_t sc_status(uintptr_t card, char *name, uint32_t *nameLen, uint32_t *state, uint32_t *proto, unsigned char *atr, uint32_t *atrLen) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	DWORD nl = (DWORD)*nameLen, st = 0, pr = 0, al = (DWORD)*atrLen;
	LONG rv = SCardStatus((SCARDHANDLE)card, name, &nl, &st, &pr, atr, &al);
	*nameLen = (uint32_t)nl;
	*state = (uint32_t)st;
	*proto = (uint32_t)pr;
	*atrLen = (uint32_t)al;
	return (uint32_t)rv;
}

static uint32_t sc_transmit(uintptr_t card, uint32_t proto, const unsigned char *cmd, uint32_t cmdLen, unsigned char *rsp, uint32_t *rspLen) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
	DWORD n = (DWORD)*rspLen;
	LONG rv = SCardTransmit((SCARDHANDLE)card, pci, cmd, (DWORD)cmdLen, NULL, rsp, &n);
	*rspLen = (uint32_t)n;
	return (uint32_t)rv;
}

// sc_get_status_change builds the SCARD_READERSTATE array in C memory, so no
// Go pointer is stored in C memory, and copies the results back into flat
// arrays: ev[i], atrLen[i], atrs[i*atrMax ...].
static uint32_t sc_get_status_change(uintptr_t h, uint32_t timeout, char **names, uint32_t *cur, uint32_t *ev, unsigned char *atrs, uint32_t atrMax, uint32_t *atrLens, uint32_t n) {
	if (!sc_loaded()) {
		return SC_NO_LIBRARY;
	}
	SCARD_READERSTATE *rs = calloc(n ? n : 1, sizeof *rs);
	if (rs == NULL) {
		return (uint32_t)SCARD_E_NO_MEMORY;
	}
	for (uint32_t i = 0; i < n; i++) {
		rs[i].szReader = names[i];
		rs[i].dwCurrentState = (DWORD)cur[i];
	}
	LONG rv = SCardGetStatusChange((SCARDCONTEXT)h, (DWORD)timeout, rs, (DWORD)n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t l = (uint32_t)rs[i].cbAtr;
		if (l > atrMax) {
			l = atrMax;
		}
		if (l > sizeof rs[i].rgbAtr) {
			l = sizeof rs[i].rgbAtr;
		}
		ev[i] = (uint32_t)rs[i].dwEventState;
		atrLens[i] = l;
		memcpy(atrs + (size_t)i * atrMax, rs[i].rgbAtr, l);
	}
	free(rs);
	return (uint32_t)rv;
}
*/
import "C"

import "unsafe"

// builtIn: this build talks to PC/SC.
const builtIn = true

func sysEstablishContext(scope Scope) (uintptr, uint32) {
	var h C.uintptr_t
	rv := C.sc_establish(C.uint32_t(scope), &h)
	return uintptr(h), uint32(rv)
}

func sysReleaseContext(h uintptr) uint32 { return uint32(C.sc_release(C.uintptr_t(h))) }

func sysListReaders(h uintptr) ([]string, uint32) {
	var n C.uint32_t
	if rv := uint32(C.sc_list_readers(C.uintptr_t(h), nil, &n)); rv != 0 {
		return nil, rv
	}
	if n == 0 {
		return []string{}, 0
	}
	buf := make([]byte, n)
	if rv := uint32(C.sc_list_readers(C.uintptr_t(h), (*C.char)(unsafe.Pointer(&buf[0])), &n)); rv != 0 {
		return nil, rv
	}
	return splitMultiString(buf[:min(int(n), len(buf))]), 0
}

func sysConnect(h uintptr, reader string, mode ShareMode, protocols Protocol) (uintptr, Protocol, uint32) {
	name := C.CString(reader)
	defer C.free(unsafe.Pointer(name))
	var card C.uintptr_t
	var active C.uint32_t
	rv := C.sc_connect(C.uintptr_t(h), name, C.uint32_t(mode), C.uint32_t(protocols), &card, &active)
	return uintptr(card), Protocol(active), uint32(rv)
}

func sysReconnect(card uintptr, mode ShareMode, protocols Protocol, init Disposition) (Protocol, uint32) {
	var active C.uint32_t
	rv := C.sc_reconnect(C.uintptr_t(card), C.uint32_t(mode), C.uint32_t(protocols), C.uint32_t(init), &active)
	return Protocol(active), uint32(rv)
}

func sysDisconnect(card uintptr, d Disposition) uint32 {
	return uint32(C.sc_disconnect(C.uintptr_t(card), C.uint32_t(d)))
}

func sysBeginTransaction(card uintptr) uint32 { return uint32(C.sc_begin(C.uintptr_t(card))) }

func sysEndTransaction(card uintptr, d Disposition) uint32 {
	return uint32(C.sc_end(C.uintptr_t(card), C.uint32_t(d)))
}

func sysCancel(h uintptr) uint32 { return uint32(C.sc_cancel(C.uintptr_t(h))) }

func sysStatus(card uintptr) (*CardStatus, uint32) {
	name := make([]byte, readerNameMax)
	atr := make([]byte, atrMax)
	nameLen, atrLen := C.uint32_t(len(name)), C.uint32_t(len(atr))
	var state, proto C.uint32_t
	rv := C.sc_status(C.uintptr_t(card), (*C.char)(unsafe.Pointer(&name[0])), &nameLen, &state, &proto,
		(*C.uchar)(unsafe.Pointer(&atr[0])), &atrLen)
	if rv != 0 {
		return nil, uint32(rv)
	}
	names := splitMultiString(name[:min(int(nameLen), len(name))])
	st := &CardStatus{State: uint32(state), ActiveProtocol: Protocol(proto), ATR: atr[:min(int(atrLen), len(atr))]}
	if len(names) > 0 {
		st.Reader = names[0]
	}
	return st, 0
}

func sysTransmit(card uintptr, proto Protocol, cmd, rsp []byte) (int, uint32) {
	n := C.uint32_t(len(rsp))
	rv := C.sc_transmit(C.uintptr_t(card), C.uint32_t(proto),
		(*C.uchar)(unsafe.Pointer(&cmd[0])), C.uint32_t(len(cmd)),
		(*C.uchar)(unsafe.Pointer(&rsp[0])), &n)
	return int(n), uint32(rv)
}

func sysGetStatusChange(h uintptr, states []ReaderState, timeoutMS uint32) uint32 {
	n := len(states)
	if n == 0 {
		return uint32(C.sc_get_status_change(C.uintptr_t(h), C.uint32_t(timeoutMS), nil, nil, nil, nil, atrMax, nil, 0))
	}
	// The names live in C memory; the array of their pointers too, so the
	// only Go memory C sees is flat integer and byte arrays.
	arr := C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof((*C.char)(nil))))
	if arr == nil {
		return uint32(CodeNoMemory)
	}
	defer C.free(arr)
	names := unsafe.Slice((**C.char)(arr), n)
	for i, s := range states {
		names[i] = C.CString(s.Reader)
	}
	defer func() {
		for _, p := range names {
			C.free(unsafe.Pointer(p))
		}
	}()
	cur := make([]C.uint32_t, n)
	ev := make([]C.uint32_t, n)
	atrLens := make([]C.uint32_t, n)
	atrs := make([]byte, n*atrMax)
	for i, s := range states {
		cur[i] = C.uint32_t(s.CurrentState)
	}
	rv := uint32(C.sc_get_status_change(C.uintptr_t(h), C.uint32_t(timeoutMS), &names[0], &cur[0], &ev[0],
		(*C.uchar)(unsafe.Pointer(&atrs[0])), atrMax, &atrLens[0], C.uint32_t(n)))
	if rv != 0 {
		return rv
	}
	for i := range states {
		states[i].EventState = StateFlag(ev[i])
		l := min(int(atrLens[i]), atrMax)
		states[i].ATR = append([]byte(nil), atrs[i*atrMax:i*atrMax+l]...)
	}
	return 0
}
