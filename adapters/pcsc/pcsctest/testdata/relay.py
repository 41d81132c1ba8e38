#!/usr/bin/python3
"""An independent PC/SC client for the conformance test: pyscard (Debian
python3-pyscard) over libpcsclite, nothing of the SDK. It connects to the
reader named in argv[1] with T=1, prints "ATR <hex>", then for every line of
hex on stdin transmits that command APDU and prints the response APDU (data
and SW1 SW2) in hex, one line each. PCSCLITE_CSOCK_NAME picks the pcscd."""
import sys

from smartcard.CardConnection import CardConnection
from smartcard.System import readers


def main():
    name = sys.argv[1]
    matches = [r for r in readers() if str(r) == name]
    if not matches:
        print("ERR reader %r not among %r" % (name, [str(r) for r in readers()]), flush=True)
        return 1
    conn = matches[0].createConnection()
    conn.connect(CardConnection.T1_protocol)
    print("ATR " + bytes(conn.getATR()).hex(), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        data, sw1, sw2 = conn.transmit(list(bytes.fromhex(line)))
        print(bytes(list(data) + [sw1, sw2]).hex(), flush=True)
    conn.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
