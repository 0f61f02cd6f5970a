#!/usr/bin/env python3
"""Tests for fakedojo.py: each class starts the server as a subprocess on a
free port with its own temporary database and record file, and talks to it
over real HTTP.  Run: python3 tests/fakedojo/test_fakedojo.py"""

import csv
import hashlib
import http.client
import itertools
import json
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
SERVER = HERE / "fakedojo.py"
DATA = HERE.parent / "data"
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep the source tree clean
import fakedojo  # noqa: E402  (the parsers give the expected reimport statistics)

TOKEN = "t" + secrets.token_hex(20)
IMPORTER = "i" + secrets.token_hex(20)
READER = "r" + secrets.token_hex(20)
PRO = ["Pro comes with support. Try today for free or email us at hello@defectdojo.com"]
ZAP_FIRST = DATA / "scans/zap/zap-results-first-scan.xml"
ZAP_SECOND = DATA / "scans/zap/zap-results-second-scan.xml"
_names = itertools.count(1)


def unique(prefix):
    return f"{prefix}-{next(_names)}"


class Server:
    """One fakedojo process in a temporary directory."""

    def __init__(self, *args, tmp=None):
        self.owns_tmp = tmp is None
        self.tmp = tmp or tempfile.mkdtemp(prefix="fakedojo-test-")
        self.args = args
        self.db = os.path.join(self.tmp, "state.sqlite")
        self.record = os.path.join(self.tmp, "record.jsonl")
        tokens = os.path.join(self.tmp, "tokens")
        with open(tokens, "w") as f:
            f.write(f"# test tokens\n{TOKEN}\n{IMPORTER} api_importer\n{READER} reader\n")
        self.port_file = os.path.join(self.tmp, "port")
        self.log = open(os.path.join(self.tmp, "server.log"), "ab")
        env = {k: v for k, v in os.environ.items() if k != "FAKEDOJO_TOKEN"}
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER), "--port", "0", "--port-file", self.port_file, "--db", self.db,
             "--record", self.record, "--token-file", tokens, "--today", "2024-06-15", *args],
            stdout=self.log, stderr=self.log, env=env)
        deadline = time.monotonic() + 15
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("fakedojo did not start; see " + self.log.name)
            time.sleep(0.02)
        self.port = int(pathlib.Path(self.port_file).read_text())

    def stop(self, keep_files=False):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(10)
        self.log.close()
        if self.owns_tmp and not keep_files:
            shutil.rmtree(self.tmp, ignore_errors=True)
        return code

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(server, method, path, body=None, headers=None, token=TOKEN, timeout=20):
    """(status, headers, body) of one request; token=None sends no Authorization."""
    headers = dict(headers or {})
    if token is not None:
        headers.setdefault("Authorization", f"Token {token}")
    req = urllib.request.Request(server.url(path), data=body, method=method, headers=headers)
    try:
        with OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def multipart(fields=(), files=()):
    """A multipart/form-data body: fields are (name, value), files are
    (name, filename or None, bytes, content type); None sends no filename."""
    boundary = "----fakedojo" + secrets.token_hex(12)
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                   + str(value).encode() + b"\r\n")
    for name, filename, data, ctype in files:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += '; filename="' + filename.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {ctype}\r\n\r\n".encode()
                   + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def upload(server, kind, fields, path=None, filename=None, data=None, token=TOKEN, extra_files=()):
    """POST to import-scan/reimport-scan; returns (status, parsed body)."""
    files = list(extra_files)
    if path is not None or data is not None:
        data = pathlib.Path(path).read_bytes() if data is None else data
        files.append(("file", filename or pathlib.Path(path).name, data, "application/octet-stream"))
    body, ctype = multipart(list(fields.items()) if isinstance(fields, dict) else fields, files)
    status, _, raw = call(server, "POST", f"/api/v2/{kind}-scan/", body, {"Content-Type": ctype}, token)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def names(scan_type="ZAP Scan", **extra):
    fields = {"scan_type": scan_type, "product_type_name": unique("Team"), "product_name": unique("App"),
              "engagement_name": "CI", "auto_create_context": "true"}
    fields.update(extra)
    return fields


def state(server):
    return json.loads(call(server, "GET", "/__fakedojo__/state", token=None)[2])


def control(server, order):
    status, _, body = call(server, "POST", "/__fakedojo__/control", json.dumps(order).encode(),
                           {"Content-Type": "application/json"}, token=None)
    assert status == 200, body
    return json.loads(body)


def totals(stats):
    return {k: v["total"]["total"] for k, v in stats.items()}


def keys(path, scan_type):
    report = fakedojo.parse_report(scan_type, pathlib.Path(path).read_bytes(), pathlib.Path(path).name)
    return [f.key for f in report.findings]


def multiset_diff(a, b):
    left = list(a)
    for k in b:
        if k in left:
            left.remove(k)
    return len(left)


class ServerTest(unittest.TestCase):
    server_args = ()

    @classmethod
    def setUpClass(cls):
        cls.server = Server(*cls.server_args)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()


class ProtocolTest(ServerTest):
    def test_slashless_post_redirects(self):
        body, ctype = multipart([("scan_type", "ZAP Scan")])
        status, headers, raw = call(self.server, "POST", "/api/v2/reimport-scan?x=1", body, {"Content-Type": ctype})
        self.assertEqual(status, 301)
        self.assertEqual(headers["Location"], "/api/v2/reimport-scan/?x=1")
        self.assertEqual(raw, b"")

    def test_json_body_is_415(self):
        status, _, raw = call(self.server, "POST", "/api/v2/reimport-scan/", b"{}",
                              {"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(raw)),
                         (415, {"detail": 'Unsupported media type "application/json" in request.'}))

    def test_body_framing(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=10)
        conn.request("POST", "/api/v2/reimport-scan/", body=iter([b"x"]), encode_chunked=True,
                     headers={"Authorization": f"Token {TOKEN}", "Content-Type": "multipart/form-data; boundary=b"})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 411)
        self.assertIn(b"411 Length Required", resp.read())
        conn.close()
        status, _, raw = call(self.server, "POST", "/api/v2/reimport-scan/", b"x",
                              {"Content-Type": "multipart/form-data"})
        self.assertEqual((status, json.loads(raw)),
                         (400, {"detail": "Multipart form parse error - Invalid boundary in multipart: None"}))
        # An empty body is an empty form, whatever its type.
        status, _, raw = call(self.server, "POST", "/api/v2/reimport-scan/", b"",
                              {"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(raw)), (400, ["product_name parameter missing"]))

    def test_multipart_details(self):
        fields = names(scan_type="Gitleaks Scan")
        boundary = "xYz"
        report = (DATA / "scans/gitleaks/data_one.json").read_bytes()
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="C:\\\\reports\\\\a;b \\"q\\".json"\r\nContent-Type: application/json\r\n\r\n'.encode()
                     + report + b"\r\n")
        body = b"preamble\r\n" + b"".join(parts) + f"--{boundary}--\r\nepilogue".encode()
        status, _, raw = call(self.server, "POST", "/api/v2/reimport-scan/", body,
                              {"Content-Type": f'multipart/form-data; boundary="{boundary}"'})
        self.assertEqual(status, 201, raw)
        line = json.loads(pathlib.Path(self.server.record).read_text().splitlines()[-1])
        self.assertEqual(line["files"]["file"]["filename"], 'a;b "q".json')
        self.assertEqual(line["files"]["file"]["size"], len(report))
        # Binary content with CRLFs and dashes survives; an RFC 2231 name is decoded.
        blob = b"\r\n--x\r\n\x00\xff" * 1000
        body, ctype = multipart(list(names(scan_type="Acunetix Scan").items()), [("file", "b.zip", blob, "application/zip")])
        body = body.replace(b'filename="b.zip"', b"filename*=UTF-8''r%C3%A9sum%C3%A9.zip")
        status, _, raw = call(self.server, "POST", "/api/v2/reimport-scan/", body, {"Content-Type": ctype})
        self.assertEqual(status, 201, raw)
        line = json.loads(pathlib.Path(self.server.record).read_text().splitlines()[-1])
        self.assertEqual(line["files"]["file"], {"filename": "résumé.zip", "size": len(blob),
                                                 "sha256": hashlib.sha256(blob).hexdigest(),
                                                 "content_type": "application/zip"})

    def test_missing_and_bad_tokens_are_403(self):
        cases = [
            (None, "Authentication credentials were not provided."),
            ("Bearer abc", "Authentication credentials were not provided."),
            ("Token wrong", "Invalid token."),
            ("Token", "Invalid token header. No credentials provided."),
            ("Token a b", "Invalid token header. Token string should not contain spaces."),
            ("Basic Zm9vOmJhcg==", "Invalid username/password."),
        ]
        for header, detail in cases:
            with self.subTest(header=header):
                headers = {"Authorization": header} if header else {}
                status, resp_headers, raw = call(self.server, "GET", "/api/v2/user_profile/",
                                                 headers=headers, token=None)
                self.assertEqual((status, json.loads(raw)), (403, {"detail": detail}))
                self.assertIsNone(resp_headers.get("WWW-Authenticate"))
        # An upload without credentials is refused before its body is looked at.
        status, _, raw = call(self.server, "POST", "/api/v2/reimport-scan/", b"{}",
                              {"Content-Type": "application/json"}, token=None)
        self.assertEqual((status, json.loads(raw)), (403, {"detail": "Authentication credentials were not provided."}))

    def test_token_keyword_is_case_insensitive(self):
        for keyword in ("Token", "token", "TOKEN", "tOkEn"):
            status, _, raw = call(self.server, "GET", "/api/v2/user_profile/",
                                  headers={"Authorization": f"{keyword} {TOKEN}"}, token=None)
            self.assertEqual(status, 200, keyword)
            profile = json.loads(raw)
            self.assertEqual(profile["user"]["username"], "admin")
            self.assertTrue(profile["user"]["is_superuser"])
            self.assertEqual(profile["product_member"], [])

    def test_precheck_arrays(self):
        team, app, new = unique("Team"), unique("App"), unique("New")
        self.assertEqual(upload(self.server, "reimport", names(product_name=app, product_type_name=team),
                                ZAP_FIRST)[0], 201)
        cases = [
            ({"scan_type": "ZAP Scan"}, ["product_name parameter missing"]),
            ({"engagement_name": "CI"}, ["product_name parameter missing"]),
            ({"product_name": app}, ["engagement_name parameter missing"]),
            ({"product_name": "nope", "engagement_name": "CI"}, ['Product "nope" does not exist']),
            ({"product_name": "nope", "engagement_name": "CI", "product_type_name": team},
             ['Product "nope" does not exist in Product_Type "' + team + '"']),
            ({"product_name": "nope", "engagement_name": "CI", "product_type_name": "ghost"},
             ['Product Type "ghost" does not exist']),
            ({"product_name": app, "engagement_name": "CI", "product_type_name": "ghost"},
             ["The fetched product has a conflict with the supplied product type name: existing product type "
              f"name - {team} vs supplied product type name - ghost"]),
            ({"product_name": app, "engagement_name": "CI", "product_type_name": "ghost", "auto_create_context": "true"},
             ["The fetched product has a conflict with the supplied product type name: existing product type "
              f"name - {team} vs supplied product type name - ghost"]),
            ({"product_name": app, "engagement_name": "Nightly"}, [f'Engagement "Nightly" does not exist in Product "{app}"']),
            ({"product_name": app, "engagement_name": "CI", "scan_type": "Trivy Scan"},
             ['Test with scan_type "Trivy Scan" does not exist in Engagement "CI"']),
            ({"product_name": app, "engagement_name": "CI", "scan_type": "ZAP Scan", "test_title": "x"},
             ['Test "x" with scan_type "ZAP Scan" does not exist in Engagement "CI"']),
            ({"product_name": app, "engagement_name": "CI"},
             ["Need test_id or product_name + engagement_name + scan_type to perform reimport"]),
            ({"test": "abc"}, ["test must be an integer"]),
            ({"test": "99999"}, ['Test "99999" does not exist']),
            ({"product_name": new, "engagement_name": "CI", "auto_create_context": "1"},
             [f'Product "{new}" does not exist and no product_type_name provided to create the new product in']),
        ]
        for fields, expected in cases:
            with self.subTest(fields=fields):
                self.assertEqual(upload(self.server, "reimport", fields, ZAP_FIRST), (400, expected))
        self.assertEqual(upload(self.server, "import", {"engagement": "99999", "scan_type": "ZAP Scan"}, ZAP_FIRST),
                         (400, ['Engagement "99999" does not exist']))

    def test_explicit_false_auto_create(self):
        team, app = unique("Team"), unique("App")
        upload(self.server, "reimport", names(product_name=app, product_type_name=team), ZAP_FIRST)
        fields = {"scan_type": "Trivy Scan", "product_name": app, "engagement_name": "CI",
                  "auto_create_context": "false"}
        self.assertEqual(upload(self.server, "reimport", fields, DATA / "scans/trivy/issue_9333.json"),
                         (404, {"detail": "A test could not be found!"}))
        fields["engagement_name"] = "Other"
        self.assertEqual(upload(self.server, "import", fields, DATA / "scans/trivy/issue_9333.json"),
                         (400, {"message": "['auto_create_context not True, unable to create non-existing engagement']",
                                "pro": PRO}))

    def test_serializer_errors(self):
        status, body = upload(self.server, "reimport", names(scan_type="Foo"), ZAP_FIRST)
        self.assertEqual((status, body), (400, {
            "scan_type": ['"Foo" is not a valid choice.'],
            "message": "{'scan_type': [ErrorDetail(string='\"Foo\" is not a valid choice.', code='invalid_choice')]}",
            "pro": PRO}))
        status, body = upload(self.server, "reimport", names(), data=b"x", filename="report.EXE")
        self.assertEqual(status, 400)
        allowed = "xml, csv, nessus, json, jsonl, html, js, zip, xlsx, txt, sarif, fpr, md, log, fvdl"
        self.assertEqual(body["file"], [f"File extension “exe” is not allowed. Allowed extensions are: {allowed}."])
        self.assertIn("code='invalid_extension'", body["message"])
        self.assertEqual(upload(self.server, "reimport", names(), data=b"x", filename="gitleaks-report")[1]["file"],
                         [f"File extension “” is not allowed. Allowed extensions are: {allowed}."])
        cases = [
            ({"scan_date": "2024-06-16"}, "scan_date", "The scan_date cannot be in the future!"),
            ({"scan_date": "2024-06-15T10:00:00"}, "scan_date",
             "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
            ({"tags": "a, b"}, "tags", "Invalid tag: ' b'. Tags should not contain spaces, commas, or quotes."),
            ({"active": "maybe"}, "active", "Must be a valid boolean."),
            ({"minimum_severity": "high"}, "minimum_severity", '"high" is not a valid choice.'),
            ({"group_by": "nothing"}, "group_by", '"nothing" is not a valid choice.'),
            ({"product_name": "   "}, "product_name", "This field may not be blank."),
            ({"source_code_management_uri": "not a url"}, "source_code_management_uri", "Enter a valid URL."),
            ({"lead": "abc"}, "lead", "Incorrect type. Expected pk value, received str."),
        ]
        for extra, field, text in cases:
            with self.subTest(extra=extra):
                status, body = upload(self.server, "reimport", names(**extra), ZAP_FIRST)
                self.assertEqual(status, 400)
                self.assertEqual(body[field], [text])
                self.assertEqual(body["pro"], PRO)
                self.assertEqual(list(body)[-2:], ["message", "pro"])

    def test_file_problems(self):
        status, body = upload(self.server, "reimport", names(), extra_files=[("file", None, b"<a/>", "text/xml")])
        self.assertEqual((status, body["file"]),
                         (400, ["The submitted data was not a file. Check the encoding type on the form."]))
        status, body = upload(self.server, "reimport", names(scan_type="Trivy Scan"))
        self.assertEqual((status, body["non_field_errors"]),
                         (400, ["Uploading a Report File is required for Trivy Scan"]))
        self.assertEqual(body["message"], "{'non_field_errors': [ErrorDetail(string='Uploading a Report File is "
                                          "required for Trivy Scan', code='invalid')]}")

    def test_booleans_and_unknown_fields(self):
        fields = names(auto_create_context="YES", close_old_findings="Off", verified="t", background_import="true")
        status, body = upload(self.server, "reimport", fields, ZAP_FIRST)
        self.assertEqual(status, 201, body)
        self.assertIs(body["auto_create_context"], True)
        self.assertIs(body["close_old_findings"], False)
        self.assertIs(body["verified"], True)
        self.assertIs(body["active"], False)  # omitted boolean echoed as false
        self.assertNotIn("background_import", body)
        self.assertEqual(body["statistics"]["after"]["total"]["verified"], body["statistics"]["after"]["total"]["total"])

    def test_first_reimport_creates_everything(self):
        fields = names(engagement_end_date="2024-08-01", version="1.2", build_id="77", commit_hash="abc",
                       branch_tag="main", scan_date="2024-06-10")
        fields = list(fields.items()) + [("tags", "Nightly"), ("tags", "x,y")]
        status, body = upload(self.server, "reimport", fields, ZAP_FIRST)
        self.assertEqual(status, 201, body)
        self.assertEqual(list(body["statistics"]), ["after"])
        self.assertEqual(body["statistics"]["after"]["total"]["total"], len(keys(ZAP_FIRST, "ZAP Scan")))
        self.assertEqual(list(body["statistics"]["after"]), ["info", "low", "medium", "high", "critical", "total"])
        self.assertEqual(body["tags"], ["Nightly", "x", "y"])
        self.assertEqual(body["scan_date"], "2024-06-10")
        self.assertEqual(body["test"], body["test_id"])
        self.assertIs(body["close_old_findings"], True)
        order = list(body)
        self.assertLess(order.index("statistics"), order.index("apply_tags_to_findings"))
        self.assertNotIn("file", body)
        dump = state(self.server)
        test = next(t for t in dump["tests"] if t["id"] == body["test_id"])
        engagement = next(e for e in dump["engagements"] if e["id"] == body["engagement_id"])
        product = next(p for p in dump["products"] if p["id"] == body["product_id"])
        self.assertEqual((test["tags"], test["version"], test["build_id"], test["commit_hash"], test["branch_tag"]),
                         (["nightly", "x", "y"], "1.2", "77", "abc", "main"))
        self.assertEqual(test["scan_date"], "2024-06-10")
        self.assertIsNone(test["title"])
        self.assertEqual((engagement["engagement_type"], engagement["status"], engagement["target_start"],
                          engagement["target_end"]), ("CI/CD", "In Progress", "2024-06-15", "2024-08-01"))
        self.assertEqual(product["description"], product["name"])
        # An end date before today falls back to a year from today.
        _, body = upload(self.server, "reimport", names(engagement_end_date="2024-01-01"), ZAP_FIRST)
        engagement = next(e for e in state(self.server)["engagements"] if e["id"] == body["engagement_id"])
        self.assertEqual(engagement["target_end"], "2025-06-15")

    def test_second_reimport_statistics(self):
        fields = names()
        upload(self.server, "reimport", fields, ZAP_FIRST)
        fields.pop("product_type_name")
        fields.pop("auto_create_context")
        status, body = upload(self.server, "reimport", fields, ZAP_SECOND)
        self.assertEqual(status, 201, body)
        first, second = keys(ZAP_FIRST, "ZAP Scan"), keys(ZAP_SECOND, "ZAP Scan")
        created, closed = multiset_diff(second, first), multiset_diff(first, second)
        self.assertGreater(created, 0)
        self.assertGreater(closed, 0)
        stats = body["statistics"]
        self.assertEqual(list(stats), ["before", "delta", "after"])
        self.assertEqual(totals(stats["delta"]), {"created": created, "closed": closed, "reactivated": 0,
                                                  "untouched": len(second) - created})
        self.assertEqual(stats["delta"]["closed"]["total"]["is_mitigated"], closed)
        self.assertEqual(stats["after"]["total"]["active"], len(second))
        self.assertEqual(stats["after"]["total"]["is_mitigated"], closed)
        # Back to the first report: the closed ones come back, nothing is new.
        _, body = upload(self.server, "reimport", fields, ZAP_FIRST)
        self.assertEqual(totals(body["statistics"]["delta"]),
                         {"created": 0, "closed": created, "reactivated": closed, "untouched": len(first) - closed})
        # do_not_reactivate keeps them closed; close_old_findings=false closes nothing.
        upload(self.server, "reimport", fields, ZAP_SECOND)
        _, body = upload(self.server, "reimport", {**fields, "do_not_reactivate": "true",
                                                   "close_old_findings": "false"}, ZAP_FIRST)
        self.assertEqual(totals(body["statistics"]["delta"]),
                         {"created": 0, "closed": 0, "reactivated": 0, "untouched": len(first)})

    def test_import_closes_old_findings_on_request(self):
        fields = names()
        _, first = upload(self.server, "import", fields, ZAP_FIRST)
        _, second = upload(self.server, "import", {**fields, "close_old_findings": "true"}, ZAP_SECOND)
        closed = multiset_diff(keys(ZAP_FIRST, "ZAP Scan"), keys(ZAP_SECOND, "ZAP Scan"))
        tests = {t["id"]: t["findings"] for t in state(self.server)["tests"]}
        self.assertEqual(tests[first["test_id"]]["mitigated"], closed)
        self.assertEqual(tests[second["test_id"]]["mitigated"], 0)

    def test_minimum_severity(self):
        status, body = upload(self.server, "reimport", names(minimum_severity="High"), ZAP_FIRST)
        self.assertEqual(status, 201)
        after = body["statistics"]["after"]
        self.assertEqual(after["info"]["total"] + after["low"]["total"] + after["medium"]["total"], 0)
        self.assertGreater(after["high"]["total"], 0)

    def test_test_title_and_newest_test(self):
        fields = names()
        _, one = upload(self.server, "reimport", {**fields, "test_title": "one"}, ZAP_FIRST)
        _, two = upload(self.server, "reimport", {**fields, "test_title": "two"}, ZAP_FIRST)
        self.assertNotEqual(one["test_id"], two["test_id"])
        _, again = upload(self.server, "reimport", {**fields, "test_title": "one"}, ZAP_SECOND)
        self.assertEqual(again["test_id"], one["test_id"])
        self.assertIn("delta", again["statistics"])
        _, untitled = upload(self.server, "reimport", fields, ZAP_SECOND)  # newest id wins, title ignored
        self.assertEqual(untitled["test_id"], two["test_id"])
        # Import always makes a new test.
        _, imported = upload(self.server, "import", fields, ZAP_FIRST)
        self.assertGreater(imported["test_id"], two["test_id"])
        self.assertIs(imported["close_old_findings"], False)
        self.assertEqual(list(imported["statistics"]), ["after"])
        _, imported2 = upload(self.server, "import", fields, ZAP_FIRST)
        self.assertGreater(imported2["test_id"], imported["test_id"])

    def test_tags_replaced_only_when_sent(self):
        fields = names()
        _, body = upload(self.server, "reimport", list(fields.items()) + [("tags", "A")], ZAP_FIRST)
        upload(self.server, "reimport", fields, ZAP_FIRST)
        test = next(t for t in state(self.server)["tests"] if t["id"] == body["test_id"])
        self.assertEqual(test["tags"], ["a"])
        upload(self.server, "reimport", list(fields.items()) + [("tags", "b"), ("tags", "c")], ZAP_FIRST)
        test = next(t for t in state(self.server)["tests"] if t["id"] == body["test_id"])
        self.assertEqual(test["tags"], ["b", "c"])

    def test_names_are_trimmed_after_the_precheck(self):
        fields = names()
        _, first = upload(self.server, "reimport", fields, ZAP_FIRST)
        padded = {**fields, "product_name": f"  {fields['product_name']} "}
        status, body = upload(self.server, "reimport", padded, ZAP_FIRST)
        self.assertEqual(status, 201, body)
        self.assertEqual(body["product_id"], first["product_id"])
        self.assertEqual(body["product_name"], fields["product_name"])

    def test_parser_errors(self):
        self.assertEqual(upload(self.server, "reimport", names(scan_type="Trivy Scan"), data=b"", filename="t.json"),
                         (400, {"message": "['Expecting value: line 1 column 1 (char 0)']", "pro": PRO}))
        self.assertEqual(upload(self.server, "reimport", names(scan_type="Trivy Scan"), data=b"{}", filename="t.json"),
                         (400, {"message": "['Schema of Trivy json report is not supported']", "pro": PRO}))
        self.assertEqual(upload(self.server, "reimport", names(), ZAP_FIRST, filename="zap.XML"),
                         (400, {"message": "['Internal error: Wrong file format, please use xml.']", "pro": PRO}))
        self.assertEqual(upload(self.server, "reimport", names(scan_type="Nmap Scan"), data=b"<nmaprun>",
                                filename="n.xml"),
                         (500, {"message": "Internal server error, check logs for details", "pro": PRO}))
        bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>'
        self.assertEqual(upload(self.server, "reimport", names(scan_type="Burp Scan"), data=bomb, filename="b.xml")[0], 500)
        # A failed import still leaves its (empty) test behind.
        fields = names(scan_type="Trivy Scan")
        upload(self.server, "reimport", fields, data=b"nope", filename="t.json")
        fields.pop("auto_create_context")
        status, body = upload(self.server, "reimport", fields, DATA / "scans/trivy/issue_9333.json")
        self.assertEqual(status, 201)
        self.assertEqual(body["statistics"]["before"]["total"]["total"], 0)

    def test_sarif_test_type_mismatch(self):
        fields = names(scan_type="SARIF")
        upload(self.server, "reimport", fields, DATA / "scans/sarif/njsscan.sarif")
        status, body = upload(self.server, "reimport", fields, DATA / "scans/sarif/flawfinder.sarif")
        self.assertEqual(status, 400)
        self.assertIn("Test type mismatch", body["message"])
        self.assertIn("'nodejsscan Scan (SARIF)'", body["message"])

    def test_permissions(self):
        team, app = unique("Team"), unique("App")
        upload(self.server, "reimport", names(product_type_name=team, product_name=app), ZAP_FIRST)
        new_team = unique("Team")
        self.assertEqual(upload(self.server, "reimport", names(product_type_name=new_team), ZAP_FIRST, token=IMPORTER),
                         (403, {"detail": f'No permission to create product_type "{new_team}"'}))
        self.assertEqual(upload(self.server, "reimport", names(product_type_name=team), ZAP_FIRST, token=IMPORTER),
                         (403, {"detail": f'No permission to create products in product_type "{team}"'}))
        status, body = upload(self.server, "reimport", names(product_type_name=team, product_name=app,
                                                             engagement_name="Nightly"), ZAP_FIRST, token=IMPORTER)
        self.assertEqual(status, 201, body)
        fields = {"scan_type": "ZAP Scan", "product_name": app, "engagement_name": "CI"}
        self.assertEqual(upload(self.server, "reimport", fields, ZAP_FIRST, token=READER),
                         (403, {"detail": "You do not have permission to perform this action."}))
        self.assertEqual(upload(self.server, "reimport", {**fields, "engagement_name": "New", "auto_create_context": "true"},
                                ZAP_FIRST, token=READER),
                         (403, {"detail": f'No permission to create engagements in product "{app}"'}))

    def test_other_endpoints(self):
        status, _, raw = call(self.server, "GET", "/api/v2/test_types/?limit=5&offset=5")
        page = json.loads(raw)
        self.assertEqual(status, 200)
        self.assertEqual(page["count"], 224)
        self.assertEqual(len(page["results"]), 5)
        self.assertEqual(page["next"], f"http://127.0.0.1:{self.server.port}/api/v2/test_types/?limit=5&offset=10")
        self.assertEqual(page["previous"], f"http://127.0.0.1:{self.server.port}/api/v2/test_types/?limit=5")
        self.assertEqual(set(page["results"][0]), {"id", "name", "active"})
        page = json.loads(call(self.server, "GET", "/api/v2/test_types/?name=Trivy%20Scan")[2])
        self.assertEqual([t["name"] for t in page["results"]], ["Trivy Scan"])
        status, _, raw = call(self.server, "GET", "/api/v2/")
        self.assertEqual(status, 200)
        self.assertIn("reimport-scan", json.loads(raw))
        status, headers, raw = call(self.server, "GET", "/api/v2/oa3/schema/")
        self.assertEqual((status, json.loads(raw)["info"]["version"]), (200, "2.57.2"))
        self.assertEqual(call(self.server, "GET", "/api/v2/nothing/")[0:3:2], (404, b'{"detail":"Not found."}'))
        status, _, raw = call(self.server, "POST", "/api/v2/user_profile/", b"")
        self.assertEqual((status, json.loads(raw)), (405, {"detail": 'Method "POST" not allowed.'}))
        # The permission check runs before the 405 on the upload views.
        status, _, raw = call(self.server, "GET", "/api/v2/reimport-scan/")
        self.assertEqual((status, json.loads(raw)), (400, ["product_name parameter missing"]))

    def test_concurrent_uploads(self):
        results = []
        threads = [threading.Thread(target=lambda: results.append(upload(self.server, "reimport", names(), ZAP_FIRST)[0]))
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(results, [201] * 8)

    def test_helper_subcommands(self):
        out = subprocess.run([sys.executable, str(SERVER), "ctl", "--port", str(self.server.port), '{"slow": 0}'],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIs(json.loads(out.stdout)["ok"], True)
        out = subprocess.run([sys.executable, str(SERVER), "state", "--port", str(self.server.port)],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("tests", json.loads(out.stdout))
        out = subprocess.run([sys.executable, str(SERVER), "ctl", "--port", str(self.server.port), '{"bogus": 1}'],
                             capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 1)

    def test_record_file(self):
        fields = names()
        body, ctype = multipart(list(fields.items()) + [("tags", "a"), ("tags", "b")],
                                [("file", "zap.xml", ZAP_FIRST.read_bytes(), "text/xml")])
        status, _, _ = call(self.server, "POST", "/api/v2/reimport-scan/", body, {"Content-Type": ctype})
        self.assertEqual(status, 201)
        call(self.server, "GET", "/api/v2/user_profile/", token="wrong-token-value")
        text = pathlib.Path(self.server.record).read_text()
        self.assertNotIn(TOKEN, text)
        self.assertNotIn("wrong-token-value", text)
        lines = [json.loads(line) for line in text.splitlines()]
        self.assertEqual([l["seq"] for l in lines], list(range(1, len(lines) + 1)))
        self.assertFalse(any(l["path"].startswith("/__fakedojo__/") for l in lines))
        upload_line = next(l for l in reversed(lines) if l["path"] == "/api/v2/reimport-scan/" and l["status"] == 201
                           and l["fields"].get("product_name") == fields["product_name"])
        self.assertEqual(upload_line["method"], "POST")
        self.assertEqual(upload_line["headers"]["authorization"], "Token <redacted:ok>")
        self.assertEqual(upload_line["auth"], "ok")
        self.assertEqual(upload_line["fields"]["tags"], ["a", "b"])
        self.assertEqual(upload_line["fields"]["scan_type"], "ZAP Scan")
        self.assertEqual(upload_line["files"]["file"], {
            "filename": "zap.xml", "size": ZAP_FIRST.stat().st_size, "content_type": "text/xml",
            "sha256": hashlib.sha256(ZAP_FIRST.read_bytes()).hexdigest()})
        self.assertEqual(upload_line["response"]["test_id"], upload_line["response"]["test"])
        self.assertTrue(upload_line["content_type"].startswith("multipart/form-data; boundary="))
        bad = lines[-1]
        self.assertEqual((bad["auth"], bad["headers"]["authorization"], bad["status"]),
                         ("bad", "Token <redacted:bad>", 403))


class LimitsTest(ServerTest):
    server_args = ("--max-file-size-mb", "1", "--proxy-max-body-mb", "2")

    def test_serializer_size_limit(self):
        data = b"x" * (1024 * 1024 + 1)
        status, body = upload(self.server, "reimport", names(scan_type="Trivy Scan"), data=data, filename="big.json")
        self.assertEqual((status, body["non_field_errors"]),
                         (400, ["Report file is too large. Maximum supported size is 1 MB"]))
        self.assertEqual(upload(self.server, "reimport", names(scan_type="Trivy Scan"), data=b"x" * (1024 * 1024),
                                filename="edge.json")[0], 400)  # at the limit: parsed, and not JSON

    def test_proxy_body_limit(self):
        data = b"x" * (3 * 1024 * 1024)
        status, body = upload(self.server, "reimport", names(scan_type="Trivy Scan"), data=data, filename="huge.json")
        self.assertEqual(status, 413)
        self.assertIn("<title>413 Request Entity Too Large</title>", body)
        self.assertEqual(state(self.server)["tests"], [])


    def test_proxy_limit_answers_before_the_body(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as sock:
            sock.sendall(f"POST /api/v2/reimport-scan/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token {TOKEN}\r\n"
                         f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {3 << 20}\r\n"
                         "Expect: 100-continue\r\n\r\n".encode())
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 413 "))


class FaultTest(ServerTest):
    def setUp(self):
        control(self.server, {"reset": "all"})

    def test_queued_faults(self):
        fields = names()
        upload(self.server, "reimport", fields, ZAP_FIRST)
        tests_before = len(state(self.server)["tests"])
        answer = control(self.server, {"next": [{"status": 502}, {"reset": True}, {"slow": 1}, {"status": 500},
                                                {"status": 413}, {"status": 503, "process": True}]})
        self.assertEqual(len(answer["faults"]["next"]), 6)
        status, body = upload(self.server, "reimport", names(), ZAP_FIRST)
        self.assertEqual(status, 502)
        self.assertIn("<center><h1>502 Bad Gateway</h1></center>", body)
        with self.assertRaises((urllib.error.URLError, ConnectionError, http.client.HTTPException)):
            upload(self.server, "reimport", names(), ZAP_FIRST)
        # Requests other than uploads do not take queued faults.
        self.assertEqual(call(self.server, "GET", "/api/v2/user_profile/")[0], 200)
        started = time.monotonic()
        self.assertEqual(upload(self.server, "reimport", fields, ZAP_FIRST)[0], 201)
        self.assertGreaterEqual(time.monotonic() - started, 1.0)
        self.assertEqual(upload(self.server, "reimport", names(), ZAP_FIRST),
                         (500, {"message": "Internal server error, check logs for details", "pro": PRO}))
        status, body = upload(self.server, "reimport", names(), ZAP_FIRST)
        self.assertEqual(status, 413)
        self.assertIn("413 Request Entity Too Large", body)
        self.assertEqual(len(state(self.server)["tests"]), tests_before)  # none of those reached the app
        status, body = upload(self.server, "reimport", names(), ZAP_FIRST)
        self.assertEqual(status, 503)
        self.assertEqual(len(state(self.server)["tests"]), tests_before + 1)  # processed, then failed
        self.assertEqual(upload(self.server, "reimport", fields, ZAP_FIRST)[0], 201)
        faults = [json.loads(l)["fault"] for l in pathlib.Path(self.server.record).read_text().splitlines()]
        self.assertIn("status:502", faults)
        self.assertIn("reset", faults)
        self.assertIn("slow:1", faults)

    def test_rates_and_refused_tokens(self):
        control(self.server, {"fail_rate": 1})
        status, body = upload(self.server, "reimport", names(), ZAP_FIRST)
        self.assertIn(status, (502, 503))
        self.assertIn("nginx", body)
        self.assertEqual(call(self.server, "GET", "/api/v2/user_profile/")[0], 200)
        control(self.server, {"fail_rate": 0, "refuse_token": True})
        status, _, raw = call(self.server, "GET", "/api/v2/user_profile/")
        self.assertEqual((status, json.loads(raw)), (403, {"detail": "Invalid token."}))
        control(self.server, {"reset": "all"})
        self.assertEqual(call(self.server, "GET", "/api/v2/user_profile/")[0], 200)


class FaultFlagsTest(unittest.TestCase):
    """The command-line fault options, one short-lived server each."""

    def run_server(self, *args):
        server = Server(*args)
        self.addCleanup(server.stop)
        return server

    def test_fail_rate_flag(self):
        server = self.run_server("--fail-rate", "1", "--seed", "7")
        statuses = {upload(server, "reimport", names(), ZAP_FIRST)[0] for _ in range(6)}
        self.assertTrue(statuses <= {502, 503} and statuses, statuses)
        self.assertEqual(call(server, "GET", "/api/v2/user_profile/")[0], 200)

    def test_reset_rate_flag(self):
        server = self.run_server("--reset-rate", "1")
        with self.assertRaises((urllib.error.URLError, ConnectionError, http.client.HTTPException)):
            call(server, "GET", "/api/v2/user_profile/")

    def test_slow_and_refuse_token_flags(self):
        server = self.run_server("--slow", "0.5", "--refuse-token")
        started = time.monotonic()
        status, _, raw = call(server, "GET", "/api/v2/user_profile/")
        self.assertGreaterEqual(time.monotonic() - started, 0.5)
        self.assertEqual((status, json.loads(raw)), (403, {"detail": "Invalid token."}))


class PersistenceTest(unittest.TestCase):
    def test_state_survives_restart(self):
        first = Server()
        fields = names()
        status, body = upload(first, "reimport", fields, ZAP_FIRST)
        self.assertEqual(status, 201)
        self.assertEqual(first.stop(keep_files=True), 0)
        self.addCleanup(shutil.rmtree, first.tmp, True)
        self.assertFalse(os.path.exists(first.port_file))
        second = Server(tmp=first.tmp)
        self.addCleanup(second.stop)
        dump = state(second)
        self.assertEqual([t["id"] for t in dump["tests"]], [body["test_id"]])
        self.assertEqual(dump["tests"][0]["findings"]["active"], len(keys(ZAP_FIRST, "ZAP Scan")))
        status, again = upload(second, "reimport", fields, ZAP_FIRST)
        self.assertEqual((status, again["test_id"]), (201, body["test_id"]))
        self.assertEqual(totals(again["statistics"]["delta"])["untouched"], len(keys(ZAP_FIRST, "ZAP Scan")))
        # The record file is appended to, its numbering starting again.
        self.assertEqual(len(pathlib.Path(second.record).read_text().splitlines()), 2)


class ParsersTest(ServerTest):
    def test_labelled_reports(self):
        with open(DATA / "labels.tsv", newline="") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
        known = set(fakedojo.Schema(fakedojo.SPEC_PATH).scan_types)
        checked = set()
        for row in rows:
            scan_type, path = row["scan_type"], DATA / row["file"]
            if scan_type not in known:
                continue
            with self.subTest(file=row["file"]):
                status, body = upload(self.server, "reimport", names(scan_type=scan_type), path)
                self.assertEqual(status, 201, body)
                found = body["statistics"]["after"]["total"]["total"]
                if scan_type in fakedojo.PRO_CONNECTOR_TYPES:
                    self.assertIn(f"connector for {scan_type}?", body["pro"][0])
                else:
                    self.assertNotIn("pro", body)
                if scan_type in fakedojo.PARSERS:
                    checked.add(scan_type)
                    if row["class"] == "detect":
                        self.assertGreater(found, 0)
                    elif row["class"] == "empty":
                        self.assertEqual(found, 0)
        self.assertEqual(checked, set(fakedojo.PARSERS))


# ---------------------------------------------------------------------------
# The Report Builder (Pro) endpoints of reportbuilder.py.

import re  # noqa: E402


def api(server, method, path, obj=None, token=TOKEN, raw=None, ctype="application/json"):
    """(status, parsed body or raw bytes, headers) of a JSON request."""
    body = raw if raw is not None else (json.dumps(obj).encode() if obj is not None else None)
    status, headers, data = call(server, method, path, body, {"Content-Type": ctype} if body is not None else {},
                                 token)
    try:
        return status, json.loads(data), headers
    except ValueError:
        return status, data, headers


def rb_state(server):
    return state(server)["report_builder"]


def tabular(name, filters=(), model="finding", fields=("title", "severity"), block_type="tabular"):
    return {"name": name, "block_type": block_type,
            f"{block_type}_configuration": {"model_choice": model, "fields": list(fields)},
            "filter_entries": [{"field": f, "value": v} for f, v in filters]}


def check_pdf(test, data):
    """A PDF whose xref table points at each object and which ends in %%EOF."""
    test.assertTrue(data.startswith(b"%PDF-1.4\n"))
    test.assertTrue(data.endswith(b"%%EOF\n"))
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    test.assertEqual(data[start:start + 5], b"xref\n")
    entries = [line for line in data[start:].split(b"\n") if line.endswith(b" n ")]
    test.assertEqual(len(entries), 5)
    for number, line in enumerate(entries, 1):
        test.assertTrue(data[int(line[:10]):].startswith(b"%d 0 obj\n" % number))


class ReportBuilderTest(ServerTest):
    def setUp(self):
        control(self.server, {"report_builder": {"wipe": True, "reset": True}})

    def test_crud_and_pagination(self):
        ids = [api(self.server, "POST", "/api/v2/report_themes/", {"name": f"T{i}"})[1]["id"] for i in range(30)]
        status, page, _ = api(self.server, "GET", "/api/v2/report_themes/")
        self.assertEqual((status, page["count"], len(page["results"])), (200, 30, 25))
        self.assertEqual(page["next"], f"http://127.0.0.1:{self.server.port}/api/v2/report_themes/?limit=25&offset=25")
        self.assertIsNone(page["previous"])
        page = api(self.server, "GET", "/api/v2/report_themes/?limit=10&offset=25")[1]
        self.assertEqual([t["name"] for t in page["results"]], [f"T{i}" for i in range(25, 30)])
        self.assertIsNone(page["next"])
        theme = api(self.server, "GET", f"/api/v2/report_themes/{ids[0]}/")[1]
        self.assertEqual({k: theme[k] for k in ("primary_color", "secondary_color", "accent_color", "text_color",
                                                "background_color", "show_page_numbers")},
                         {"primary_color": "#1e3a5f", "secondary_color": "#4a90a4", "accent_color": "#e67e22",
                          "text_color": "#333333", "background_color": "#ffffff", "show_page_numbers": True})
        status, theme, _ = api(self.server, "PATCH", f"/api/v2/report_themes/{ids[0]}/",
                               {"footer_text": "Confidential", "show_page_numbers": False})
        self.assertEqual((status, theme["name"], theme["footer_text"], theme["show_page_numbers"]),
                         (200, "T0", "Confidential", False))
        self.assertEqual(api(self.server, "DELETE", f"/api/v2/report_themes/{ids[0]}/")[0:2], (204, b""))
        self.assertEqual(api(self.server, "GET", f"/api/v2/report_themes/{ids[0]}/")[0:2],
                         (404, {"detail": "Not found."}))
        status, _, headers = api(self.server, "GET", "/api/v2/report_themes")
        self.assertEqual((status, headers["Location"]), (301, "/api/v2/report_themes/"))
        self.assertEqual(api(self.server, "PUT", "/api/v2/generated_reports/", {})[0:2],
                         (405, {"detail": 'Method "PUT" not allowed.'}))

    def test_authentication(self):
        self.assertEqual(api(self.server, "GET", "/api/v2/report_blocks/", token=None)[0:2],
                         (403, {"detail": "Authentication credentials were not provided."}))
        self.assertEqual(api(self.server, "GET", "/api/v2/report_blocks/", token="nope")[0:2],
                         (403, {"detail": "Invalid token."}))
        self.assertEqual(api(self.server, "GET", "/api/v2/report_blocks/", token=READER)[0], 200)
        self.assertEqual(api(self.server, "POST", "/api/v2/report_themes/", {"name": "x"}, token=READER)[0:2],
                         (403, {"detail": "You do not have permission to perform this action."}))

    def test_unknown_filters_are_dropped_and_patch_replaces_the_list(self):
        status, block, _ = api(self.server, "POST", "/api/v2/report_blocks/", tabular("Crit", [
            ("active", "true"), ("status_any", "true"), ("priority_greater_than", "800"), ("bogus", "1"),
            ("severity", "Critical,High"), ("test__engagement__product", 3), ("limit", "5")]))
        self.assertEqual(status, 201, block)
        self.assertEqual(block["filter_entries"], [{"field": "active", "value": "true"},
                                                   {"field": "severity", "value": "Critical"},
                                                   {"field": "test__engagement__product", "value": "3"}])
        status, block, _ = api(self.server, "PATCH", f"/api/v2/report_blocks/{block['id']}/",
                               {"filter_entries": [{"field": "verified", "value": "true"}]})
        self.assertEqual((status, block["filter_entries"]), (200, [{"field": "verified", "value": "true"}]))
        status, block, _ = api(self.server, "PATCH", f"/api/v2/report_blocks/{block['id']}/", {"header": "H"})
        self.assertEqual(block["filter_entries"], [{"field": "verified", "value": "true"}])  # kept when not sent
        assets = api(self.server, "POST", "/api/v2/report_blocks/", tabular("Assets", [
            ("prod_type", "1"), ("organization", "1"), ("internet_accessible", "true")], model="asset",
            fields=("name",)))[1]
        self.assertEqual([f["field"] for f in assets["filter_entries"]], ["organization", "internet_accessible"])
        risk = api(self.server, "POST", "/api/v2/report_blocks/", tabular("Risk", [
            ("tag", "DR"), ("decision", "A")], model="risk_acceptance", fields=("name",)))[1]
        self.assertEqual([f["field"] for f in risk["filter_entries"]], ["decision"])  # no tag filter there

    def test_validation_errors(self):
        status, body, _ = api(self.server, "POST", "/api/v2/report_blocks/", {"name": "C", "block_type": "chart"})
        self.assertEqual((status, body["block_type"], body["pro"]), (400, ['"chart" is not a valid choice.'], PRO))
        self.assertIn("ErrorDetail(string=", body["message"])
        status, body, _ = api(self.server, "POST", "/api/v2/report_blocks/", {"name": "T", "block_type": "tabular"})
        self.assertEqual(body["tabular_configuration"], ["This field is required for tabular blocks."])
        status, body, _ = api(self.server, "POST", "/api/v2/report_blocks/",
                              tabular("T", fields=("title", "severty", "description")))
        self.assertEqual(body["tabular_configuration"]["fields"], ['"severty" is not a field of finding.',
                                                                   '"description" can only be shown in a detail block.'])
        self.assertEqual(api(self.server, "POST", "/api/v2/report_blocks/",
                             tabular("D", fields=("title", "description"), block_type="detail"))[0], 201)
        status, body, _ = api(self.server, "POST", "/api/v2/report_themes/", {"primary_color": "blue"})
        self.assertEqual((status, sorted(k for k in body if k not in ("message", "pro"))),
                         (400, ["name", "primary_color"]))
        self.assertEqual(api(self.server, "POST", "/api/v2/report_themes/", raw=b"{nope")[0:2],
                         (400, {"message": "JSON request content is malformed"}))
        status, body, _ = api(self.server, "POST", "/api/v2/report_themes/", raw=b"x", ctype="text/plain")
        self.assertEqual((status, body), (415, {"detail": 'Unsupported media type "text/plain" in request.'}))
        status, body, _ = api(self.server, "POST", "/api/v2/report_blocks/", tabular("F", [("active", True)]))
        self.assertEqual(body["filter_entries"], [{"value": ["Not a valid string."]}])

    def test_templates_write_blocks_through_template_blocks_write(self):
        theme = api(self.server, "POST", "/api/v2/report_themes/", {"name": "Th"})[1]
        a = api(self.server, "POST", "/api/v2/report_blocks/", tabular("A"))[1]
        b = api(self.server, "POST", "/api/v2/report_blocks/", {
            "name": "Cover", "block_type": "stock", "stock_configuration": {"stock_type": "cover_page",
                                                                            "title": "Q4"}})[1]
        status, t, _ = api(self.server, "POST", "/api/v2/report_templates/", {
            "name": "R", "theme_id": theme["id"], "template_blocks": [{"order": 0, "block_id": a["id"]}],
            "template_blocks_write": [{"order": 1, "block_id": a["id"]}, {"order": 0, "block_id": b["id"]},
                                      {"order": 2, "block_id": a["id"]}]})
        self.assertEqual(status, 201, t)
        self.assertNotIn("template_blocks_write", t)
        self.assertEqual([(e["order"], e["block_id"]) for e in t["template_blocks"]],
                         [(0, b["id"]), (1, a["id"]), (2, a["id"])])
        self.assertEqual((t["theme_id"], t["theme_name"]), (theme["id"], "Th"))
        status, t2, _ = api(self.server, "PATCH", f"/api/v2/report_templates/{t['id']}/",
                            {"template_blocks": []})  # read-only: ignored
        self.assertEqual(len(t2["template_blocks"]), 3)
        status, body, _ = api(self.server, "PATCH", f"/api/v2/report_templates/{t['id']}/",
                              {"template_blocks_write": [{"order": 0, "block_id": a["id"]}, {"order": 1, "block_id": 999}]})
        self.assertEqual((status, body["template_blocks_write"]),
                         (400, [{}, {"block_id": ['Invalid pk "999" - object does not exist.']}]))
        status, copy, _ = api(self.server, "POST", f"/api/v2/report_templates/{t['id']}/duplicate/")
        self.assertEqual((status, copy["name"], len(copy["template_blocks"])), (201, "Copy of R", 3))
        status, copy, _ = api(self.server, "POST", f"/api/v2/report_blocks/{a['id']}/duplicate/")
        self.assertEqual((status, copy["name"], copy["tabular_configuration"]), (201, "Copy of A",
                                                                                  a["tabular_configuration"]))
        self.assertEqual(api(self.server, "DELETE", f"/api/v2/report_blocks/{a['id']}/")[0], 204)
        t = api(self.server, "GET", f"/api/v2/report_templates/{t['id']}/")[1]
        self.assertEqual([e["block_id"] for e in t["template_blocks"]], [b["id"]])
        status, preview, _ = api(self.server, "GET", f"/api/v2/report_blocks/{b['id']}/preview/")
        self.assertEqual((status, preview["row_count"]), (200, 0))
        self.assertIn("<h1>Q4</h1>", preview["html"])
        status, preview, _ = api(self.server, "POST", "/api/v2/report_blocks/preview/", tabular("P"))
        self.assertIn("<th>severity</th>", preview["html"])

    def test_field_options(self):
        status, options, _ = api(self.server, "GET", "/api/v2/report_blocks/field_options/")
        self.assertEqual(status, 200)
        self.assertEqual(set(options["fields"]), {"organization", "asset", "engagement", "test", "finding",
                                                  "test_type", "risk_acceptance"})
        finding = {f["path"]: f for f in options["fields"]["finding"]}
        self.assertEqual(finding["title"], {"path": "title", "label": "Title"})
        self.assertTrue(finding["description"]["detail_only"])
        self.assertIn("severity", options["ordering_fields"]["finding"])

    def test_generated_report_lifecycle(self):
        control(self.server, {"report_builder": {"timings": {"pending": 0.3, "processing": 0.3}}})
        block = api(self.server, "POST", "/api/v2/report_blocks/", tabular("A"))[1]
        t = api(self.server, "POST", "/api/v2/report_templates/", {
            "name": 'Q4 "final"', "template_blocks_write": [{"order": 0, "block_id": block["id"]}]})[1]
        status, rep, _ = api(self.server, "POST", "/api/v2/generated_reports/", {"template_id": t["id"],
                                                                                 "file_format": "pdf"})
        self.assertEqual((status, rep["status"], rep["error_message"]), (201, "pending", None))
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{rep['id']}/download/")[0], 404)
        time.sleep(0.35)
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{rep['id']}/")[1]["status"],
                         "processing")
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{rep['id']}/download/")[0], 404)
        time.sleep(0.35)
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{rep['id']}/")[1]["status"],
                         "completed")
        status, headers, data = call(self.server, "GET", f"/api/v2/generated_reports/{rep['id']}/download/")
        self.assertEqual((status, headers["Content-Type"]), (200, "application/pdf"))
        self.assertEqual(headers["Content-Disposition"], f"attachment; filename=\"Q4 'final'_{rep['id']}.pdf\"")
        check_pdf(self, data)
        control(self.server, {"report_builder": {"timings": {"pending": 0, "processing": 0}}})
        rep = api(self.server, "POST", "/api/v2/generated_reports/", {"template_id": t["id"], "file_format": "html"})[1]
        status, headers, data = call(self.server, "GET", f"/api/v2/generated_reports/{rep['id']}/download/")
        self.assertEqual((status, headers["Content-Type"]), (200, "text/html; charset=utf-8"))
        self.assertIn(b"<title>Q4 &quot;final&quot;</title>", data)
        status, body, _ = api(self.server, "POST", "/api/v2/generated_reports/", {"template_id": 99, "file_format": "docx"})
        self.assertEqual((status, body["template_id"], body["file_format"]),
                         (400, ['Invalid pk "99" - object does not exist.'], ['"docx" is not a valid choice.']))

    def test_report_faults(self):
        control(self.server, {"report_builder": {"timings": {"pending": 0, "processing": 0},
                                                 "next_reports": [{"fail": "no rows"}, {"processing": 60}],
                                                 "next_downloads": ["truncate", 503]}})
        block = api(self.server, "POST", "/api/v2/report_blocks/", tabular("A"))[1]
        t = api(self.server, "POST", "/api/v2/report_templates/", {
            "name": "R", "template_blocks_write": [{"order": 0, "block_id": block["id"]}]})[1]
        start = {"template_id": t["id"], "file_format": "pdf"}
        failed = api(self.server, "POST", "/api/v2/generated_reports/", start)[1]
        slow = api(self.server, "POST", "/api/v2/generated_reports/", start)[1]
        good = api(self.server, "POST", "/api/v2/generated_reports/", start)[1]
        failed = api(self.server, "GET", f"/api/v2/generated_reports/{failed['id']}/")[1]
        self.assertEqual((failed["status"], failed["error_message"]), ("failed", "no rows"))
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{failed['id']}/download/")[0], 404)
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{slow['id']}/")[1]["status"], "processing")
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as sock:
            sock.sendall(f"GET /api/v2/generated_reports/{good['id']}/download/ HTTP/1.1\r\nHost: x\r\n"
                         f"Authorization: Token {TOKEN}\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
        self.assertGreater(length, len(body))  # announced whole, cut in half
        self.assertEqual(api(self.server, "GET", f"/api/v2/generated_reports/{good['id']}/download/")[0], 503)
        status, _, data = call(self.server, "GET", f"/api/v2/generated_reports/{good['id']}/download/")
        self.assertEqual(status, 200)
        check_pdf(self, data)

    def test_write_counter_and_state(self):
        before = rb_state(self.server)
        self.assertEqual((before["writes"], before["write_requests"]), (0, []))
        theme = api(self.server, "POST", "/api/v2/report_themes/", {"name": "W"})[1]
        api(self.server, "PATCH", f"/api/v2/report_themes/{theme['id']}/", {"footer_text": "f"})
        api(self.server, "GET", "/api/v2/report_themes/")
        api(self.server, "DELETE", f"/api/v2/report_themes/{theme['id']}/")
        after = rb_state(self.server)
        self.assertEqual(after["writes"], 3)
        self.assertEqual({k: v for k, v in after["writes_by_method"].items() if v},
                         {"POST": 1, "PATCH": 1, "DELETE": 1})
        self.assertEqual(after["write_requests"][1], {"method": "PATCH", "path": f"/api/v2/report_themes/{theme['id']}/",
                                                      "body": {"footer_text": "f"}})
        self.assertEqual(after["report_themes"], [])
        control(self.server, {"reset": "all"})
        self.assertEqual(rb_state(self.server)["writes"], 0)
        out = subprocess.run([sys.executable, str(SERVER), "ctl", "--port", str(self.server.port),
                              '{"report_builder": {"bogus": 1}}'], capture_output=True, text=True, timeout=20)
        self.assertEqual(out.returncode, 1)
        self.assertIn("unknown report_builder keys: bogus", out.stdout)

    def test_schema_lists_the_filter_endpoints(self):
        status, _, raw = call(self.server, "GET", "/api/v2/oa3/schema/?format=json")
        paths = json.loads(raw)["paths"]
        self.assertEqual(status, 200)
        for path in ("/api/v2/findings/", "/api/v2/tests/", "/api/v2/engagements/", "/api/v2/assets/",
                     "/api/v2/organizations/", "/api/v2/test_types/", "/api/v2/risk_acceptance/"):
            self.assertIn("limit", [p["name"] for p in paths[path]["get"]["parameters"]], path)


if __name__ == "__main__":
    unittest.main(verbosity=1)
