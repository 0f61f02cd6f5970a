#!/usr/bin/env python3
"""fakedojo: a stand-in DefectDojo 2.57.2 server for dojobridge's tests.

It answers POST /api/v2/import-scan/ and /api/v2/reimport-scan/ the way the real
server does (status codes, exact error bodies, the order in which checks run),
keeps products, engagements, tests and findings in SQLite, records every request
it receives as one JSON line, and can be told to misbehave (502/503 pages,
dropped connections, slow answers, refused tokens).  Field names, enums, formats
and the upload extension allow-list come from the real OpenAPI document that
sits beside this file.  Python 3.11 standard library only.

Run `fakedojo.py --help`; README.md beside this file describes the control
endpoint and the record format.

Hostile-server fault items, for tests of a client that must not trust its
server (tests/test-hostile-input.sh).  They go in a "next" item like the
others, alone or with "status" (default 201 for "huge" and "trickle"):

- {"status": 201, "body": "{not json", "content_type": "application/json"}:
  "content_type" sets the Content-Type of a string "body" (default text/html).
  A "body" of "" is an answer with an empty body.
- {"status": 302, "location": URL}: adds a Location header to the answer.
  The stand-in records every request it receives, also to paths it does not
  serve (404), so a followed redirect shows in the record.
- {"huge": N}: an answer announcing N bytes (Content-Length) and streaming
  them lazily, 64 KiB at a time, until all are sent or the client hangs up;
  nothing of that size is ever held in memory.  The log says
  "fault huge: client hung up after B of N bytes" (or "sent all N bytes").
- {"trickle": true} or {"trickle": S}: send the status line and headers
  (Content-Length 1 GB), then one byte per second, forever (or for S
  seconds), until the client hangs up.  The log says
  "fault trickle: client hung up after B bytes" (or "stopped after ...").

The record gains "invalid_utf8": [part names] when a multipart part's
header (its name or filename) or text was not valid UTF-8; the values shown
in "fields" and "files" have U+FFFD in place of the bad bytes.

TLS: --tls-cert FILE --tls-key FILE serve HTTPS with that certificate (the
handshake runs in the request's thread, so a client that refuses the
certificate costs nothing but its own connection; the log says
"TLS handshake failed: ...").  `ctl` and `state` then need --tls; they do
not check the certificate.
"""

import argparse
import base64
import collections
import contextlib
import csv
import datetime
import hashlib
import html
import io
import json
import mmap
import os
import pathlib
import random
import re
import signal
import socket
import sqlite3
import ssl
import struct
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import http.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.parsers import expat

import reportbuilder  # the Report Builder (Pro) endpoints, beside this file

HERE = pathlib.Path(__file__).resolve().parent
SPEC_PATH = HERE / "openapi-2.57.2.json"

# DefectDojo's exception handler appends this advert to every error body that
# is a dict built from an exception (dojo/product_announcements.py).
PRO = ["Pro comes with support. Try today for free or email us at hello@defectdojo.com"]

# Scan types for which a successful import carries a "pro" connector advert.
PRO_CONNECTOR_TYPES = {
    "Snyk Scan", "Semgrep JSON Report", "Burp Enterprise Scan", "AWS Security Hub Scan",
    "Probely Scan", "Checkmarx One Scan", "Tenable Scan", "SonarQube Scan",
    "Dependency Track Finding Packaging Format (FPF) Export", "Wiz Scan",
}

# API importers fetch findings themselves, so the serializer does not demand a
# file for them (dojo/tools/factory.py requires_file).  Without a configured
# API connection there is nothing to fetch, so here they import 0 findings.
NO_FILE_TYPES = {
    "BlackDuck API", "Bugcrowd API Import", "Cobalt.io API Import", "Edgescan Scan",
    "SonarQube API Import", "Vulners",
}

SEVERITIES = ("Info", "Low", "Medium", "High", "Critical")  # least severe first
STAT_KEYS = ("active", "verified", "duplicate", "false_p", "out_of_scope",
             "is_mitigated", "risk_accepted", "total")
ROLES = {"superuser": None, "api_importer": 1, "reader": 5}  # DefectDojo Role ids
ENVIRONMENTS = ("Development", "Default", "Lab", "Pre-prod", "Production", "Staging", "Test")

# Django's database limits: longer names overflow PostgreSQL and give a 500.
NAME_LIMITS = {"product_types": 255, "products": 255, "engagements": 300, "tests": 255}

# Django's per-request limits on non-file form data (DATA_UPLOAD_MAX_*).
MAX_FIELD_BYTES = 8 * 1024 * 1024
MAX_FIELDS = 10240
MAX_FILES = 100
PART_HEADER_LIMIT = 8192

# Bodies up to this size stay in memory; bigger ones are spooled to a file.
SPOOL_THRESHOLD = 8 * 1024 * 1024
# Record bodies bigger than this are summarised, not copied into the record.
RECORD_BODY_LIMIT = 64 * 1024

NGINX_TITLES = {
    400: "400 Bad Request", 411: "411 Length Required", 413: "413 Request Entity Too Large",
    500: "500 Internal Server Error", 502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable", 504: "504 Gateway Time-out",
}

EMPTY = object()  # "no value", as DRF's `empty`


def log(msg):
    print(f"fakedojo: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Error bodies.  DefectDojo produces four shapes (reference/dojo-api.md §0); each
# constructor below builds one of them.

class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


def precheck_error(msg):
    """The permission class raises DRF ValidationError(str): a bare JSON array."""
    return ApiError(400, [msg])


def detail_error(status, msg):
    return ApiError(status, {"detail": msg})


def denied(msg="You do not have permission to perform this action."):
    return detail_error(403, msg)


def django_error(msg):
    """A Django ValidationError: the message is the repr of its message list."""
    return ApiError(400, {"message": repr([msg]), "pro": PRO})


def server_error():
    return ApiError(500, {"message": "Internal server error, check logs for details", "pro": PRO})


def serializer_error(errors):
    """DRF field errors plus "message" = repr of the error dict, as DRF prints it."""
    body = {name: [text for text, _ in details] for name, details in errors.items()}
    body["message"] = "{" + ", ".join(
        f"{name!r}: [" + ", ".join(f"ErrorDetail(string={text!r}, code={code!r})"
                                   for text, code in details) + "]"
        for name, details in errors.items()) + "}"
    body["pro"] = PRO
    return ApiError(400, body)


class FieldError(Exception):
    def __init__(self, *details):
        super().__init__(details)
        self.details = list(details)


class Skip(Exception):
    """The field is absent and has no default: it is left out of validated data."""


# ---------------------------------------------------------------------------
# The OpenAPI document: the request fields of both upload endpoints, their
# order (which is also the order of error dicts and 201 bodies), enums and the
# file extension allow-list.

class FieldSpec:
    __slots__ = ("name", "kind", "required", "default", "allow_null", "allow_blank",
                 "choices", "max_length")

    def __init__(self, name, prop, required):
        self.name = name
        self.required = required
        fmt = prop.get("format")
        kind = {"boolean": "bool", "integer": "pk", "array": "tags"}.get(prop.get("type"))
        if kind is None:
            if "enum" in prop:
                kind = "choice"
            else:
                kind = {"date": "date", "binary": "file", "uri": "url"}.get(fmt, "char")
        self.kind = kind
        self.default = prop.get("default", EMPTY)
        # DRF declares these related fields with default=None; the spec cannot say so.
        if name in ("endpoint_to_add", "lead", "api_scan_configuration"):
            self.default = None
        self.allow_null = bool(prop.get("nullable"))
        self.allow_blank = prop.get("minLength", 0) == 0
        self.choices = prop.get("enum")
        self.max_length = prop.get("maxLength")

    def empty_html(self):
        """What DRF reads for a field absent from a multipart form."""
        if self.kind == "bool":
            return False if self.default is EMPTY else self.default
        return EMPTY


class Schema:
    def __init__(self, path):
        self.raw = pathlib.Path(path).read_bytes()
        spec = json.loads(self.raw)
        self.version = spec["info"]["version"]
        schemas = spec["components"]["schemas"]
        self.fields = {}
        self.response_order = {}
        for kind, name in (("import", "ImportScan"), ("reimport", "ReImportScan")):
            req = schemas[name + "Request"]
            required = set(req.get("required", ()))
            self.fields[kind] = [FieldSpec(n, p, n in required) for n, p in req["properties"].items()]
            self.response_order[kind] = list(schemas[name]["properties"])
        props = schemas["ReImportScanRequest"]["properties"]
        self.scan_types = list(props["scan_type"]["enum"])
        match = re.fullmatch(r"\(\?:([^()]+)\)\$", props["file"]["pattern"])
        if not match:
            raise ValueError("unexpected file pattern in the OpenAPI document")
        self.extensions = match.group(1).split("|")
        self.collections = sorted(
            m.group(1) for p in spec["paths"]
            if (m := re.fullmatch(r"/api/v2/([^/{}]+)/", p))
            and m.group(1) not in ("user_profile", "api-token-auth"))


# ---------------------------------------------------------------------------
# XML without DTD loading or entity expansion.  Like defusedxml (which
# DefectDojo's parsers use), a document may carry a DOCTYPE with element and
# attribute declarations, but any entity declaration or external reference is
# refused.

class ForbiddenXML(Exception):
    pass


def _forbid(*_args):
    raise ForbiddenXML("entity declarations and external references are not allowed")


def parse_xml(data):
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def qname(name):
        return "{" + name if "}" in name else name

    parser.StartElementHandler = lambda tag, attrs: builder.start(
        qname(tag), {qname(k): v for k, v in attrs.items()})
    parser.EndElementHandler = lambda tag: builder.end(qname(tag))
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = _forbid
    parser.UnparsedEntityDeclHandler = _forbid
    parser.ExternalEntityRefHandler = _forbid
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.Parse(data, True)
    return builder.close()


def local(tag):
    return tag.rsplit("}", 1)[-1]


def children(elem, name):
    return [c for c in elem if local(c.tag) == name]


def child_text(elem, name, default=""):
    for c in elem:
        if local(c.tag) == name:
            return (c.text or "").strip()
    return default


# ---------------------------------------------------------------------------
# Report parsers.  Each turns a report into findings (title, severity, key);
# the key is what reimport matches on, like DefectDojo's hash_code.  They fail
# the way DefectDojo's parsers do: ValueError (JSON errors included) becomes a
# 400, anything else (XML syntax, a missing key) a 500.

Finding = collections.namedtuple("Finding", "title severity key")
Report = collections.namedtuple("Report", "findings test_type")


def finding(title, severity, *key_parts):
    title = (title or "").strip() or "Untitled finding"
    key = "\x1f".join(str(p) for p in (title, severity) + key_parts)
    return Finding(title[:511], severity, hashlib.sha256(key.encode()).hexdigest())


def severity_from_score(score):
    try:
        score = float(score)
    except (TypeError, ValueError):
        return "Info"
    for limit, sev in ((9.0, "Critical"), (7.0, "High"), (4.0, "Medium")):
        if score >= limit:
            return sev
    return "Low" if score > 0 else "Info"


def named_severity(value, aliases=None):
    value = str(value or "").strip().lower()
    value = (aliases or {}).get(value, value)
    for sev in SEVERITIES:
        if value == sev.lower():
            return sev
    return "Info"


def parse_zap(data, name):
    if not name.endswith(".xml"):
        raise ValueError("Internal error: Wrong file format, please use xml.")
    root = parse_xml(data)
    risk = {"0": "Info", "1": "Low", "2": "Medium", "3": "High", "4": "Critical"}
    out = []
    for site in root.iter("site"):
        for item in site.iter("alertitem"):
            title = child_text(item, "alert") or child_text(item, "name")
            out.append(finding(title, risk.get(child_text(item, "riskcode"), "Info"),
                               site.get("name"), child_text(item, "pluginid")))
    return out


TRIVY_ALIASES = {"unknown": "info"}


def trivy_results(results, prefix=""):
    out = []
    for result in results or []:
        target = result.get("Target", "")
        where = f"{prefix}{target}"
        for v in result.get("Vulnerabilities") or []:
            title = f"{v.get('VulnerabilityID', '')} {v.get('PkgName', '')} {v.get('InstalledVersion', '')}"
            out.append(finding(title, named_severity(v.get("Severity"), TRIVY_ALIASES), where,
                               v.get("PkgPath", "")))
        for m in result.get("Misconfigurations") or []:
            title = f"{m.get('ID', '')} - {m.get('Title', '')}"
            out.append(finding(title, named_severity(m.get("Severity"), TRIVY_ALIASES), where,
                               m.get("Message", "")))
        for s in result.get("Secrets") or []:
            title = f"Secret detected in {target} - {s.get('Title', '')}"
            out.append(finding(title, named_severity(s.get("Severity"), TRIVY_ALIASES), where,
                               s.get("StartLine", "")))
    return out


def parse_trivy(data, name):
    report = json.loads(data)
    if report is None:
        return []
    if isinstance(report, list):  # before schema version 2
        return trivy_results(report)
    if report.get("SchemaVersion") == 2:
        return trivy_results(report.get("Results", []))
    if "ClusterName" in report:  # trivy k8s: results grouped by cluster resource
        out = []
        for section in ("Vulnerabilities", "Misconfigurations", "Resources"):
            for resource in report.get(section) or []:
                parts = [resource.get(k) for k in ("Namespace", "Kind", "Name") if resource.get(k)]
                out += trivy_results(resource.get("Results"), " / ".join(parts) + " / ")
        return out
    raise ValueError("Schema of Trivy json report is not supported")


def parse_nmap(data, name):
    root = parse_xml(data)
    if root.tag != "nmaprun":
        raise ValueError("This doesn't seem to be a valid Nmap xml file.")
    out = []
    for host in root.iter("host"):
        addr = next((a.get("addr") for a in host.iter("address")
                     if a.get("addrtype") in ("ipv4", "ipv6")), "")
        for port in host.iter("port"):
            state = port.find("state")
            if state is None or "open" not in (state.get("state") or ""):
                continue
            where = f"{addr}:{port.get('portid')}/{port.get('protocol')}"
            out.append(finding(f"Open port: {port.get('portid')}/{port.get('protocol')}", "Info", where))
            for script in port.iter("script"):
                if script.get("id") != "vulners":
                    continue
                for component in script.findall("table"):
                    for vuln in component.findall("table"):
                        elems = {e.get("key"): (e.text or "") for e in vuln.findall("elem")}
                        title = f"{elems.get('id', '')} ({component.get('key', '')})"
                        out.append(finding(title, severity_from_score(elems.get("cvss")), where))
    return out


SEMGREP_ALIASES = {"error": "high", "warning": "medium", "info": "low"}


def parse_semgrep(data, name):
    report = json.loads(data)
    if "vulns" in report:  # Semgrep App supply-chain export
        out = []
        for v in report["vulns"]:
            advisory = v.get("advisory") or {}
            loc = v.get("dependencyFileLocation") or {}
            out.append(finding(v.get("title") or advisory.get("title"),
                               named_severity(advisory.get("severity"), SEMGREP_ALIASES),
                               v.get("groupKey", ""), loc.get("path", ""), loc.get("startLine", "")))
        return out
    return [finding(r["check_id"], named_severity(r["extra"]["severity"], SEMGREP_ALIASES),
                    r["path"], r["start"]["line"])
            for r in report["results"]]


def sarif_message(result, rule):
    msg = result.get("message") or {}
    text = msg.get("text")
    if not text and msg.get("id") and rule:
        text = ((rule.get("messageStrings") or {}).get(msg["id"]) or {}).get("text", "")
        for i, arg in enumerate(msg.get("arguments") or []):
            text = text.replace("{%d}" % i, str(arg))
    if not text and rule:
        text = (rule.get("shortDescription") or rule.get("fullDescription") or {}).get("text")
    text = (text or "").strip()
    return text.splitlines()[0][:150] if text else result.get("ruleId", "")


def sarif_severity(result, rule):
    props = (rule or {}).get("properties") or {}
    if "security-severity" in props:
        return severity_from_score(props["security-severity"])
    level = result.get("level") or ((rule or {}).get("defaultConfiguration") or {}).get("level")
    return {"error": "High", "warning": "Medium", "note": "Info", "none": "Info"}.get(level, "Medium")


def parse_sarif(data, name):
    report = json.loads(data)
    runs = report.get("runs", [])
    out = []
    for run in runs:
        driver = run["tool"]["driver"]
        rules = {r.get("id"): r for r in driver.get("rules") or []}
        for result in run.get("results") or []:
            rule = rules.get(result.get("ruleId"))
            loc = ((result.get("locations") or [{}])[0].get("physicalLocation") or {})
            uri = (loc.get("artifactLocation") or {}).get("uri", "")
            line = (loc.get("region") or {}).get("startLine", "")
            title = sarif_message(result, rule)
            out.append(finding(title, sarif_severity(result, rule), result.get("ruleId", ""), uri, line))
    # Like DefectDojo's dynamic test types: the first run's tool names the type.
    tool = runs[0]["tool"]["driver"].get("name", "") if runs else ""
    return Report(out, f"{tool} Scan (SARIF)" if tool else "SARIF")


def parse_gitleaks(data, name):
    issues = json.loads(data)
    if issues is None:
        return []
    out = []
    for issue in issues:
        if "RuleID" in issue:  # gitleaks 8
            title = f"Hard coded {issue.get('Description', '')} found in {issue.get('File', '')}"
            out.append(finding(title, "High", issue.get("StartLine", ""), issue.get("Commit", "")))
        else:
            title = f"Hard Coded {issue.get('rule', '')} in: {issue.get('file', '')}"
            out.append(finding(title, "High", issue.get("lineNumber", issue.get("line", "")),
                               issue.get("commit", "")))
    return out


def parse_grype(data, name):
    report = json.loads(data)
    out = []
    for match in report["matches"]:
        vuln, art = match["vulnerability"], match["artifact"]
        title = f"{vuln['id']} in {art['name']}:{art.get('version', '')}"
        locations = ",".join(l.get("path", "") for l in art.get("locations") or [])
        out.append(finding(title, named_severity(vuln.get("severity"), {"negligible": "info"}),
                           art.get("type", ""), locations))
    return out


def parse_dependency_check(data, name):
    root = parse_xml(data)
    if local(root.tag) != "analysis":
        raise ValueError("This doesn't seem to be a valid Dependency Check xml file.")
    out = []
    for deps in children(root, "dependencies"):
        for dep in children(deps, "dependency"):
            file_name = child_text(dep, "fileName")
            for vulns in children(dep, "vulnerabilities"):
                for vuln in children(vulns, "vulnerability"):
                    sev = named_severity(child_text(vuln, "severity"), {"moderate": "medium"})
                    out.append(finding(f"{file_name} | {child_text(vuln, 'name')}", sev,
                                       child_text(dep, "filePath")))
    return out


def parse_burp(data, name):
    root = parse_xml(data)
    out = []
    for issue in root.iter("issue"):
        sev = named_severity(child_text(issue, "severity"), {"information": "info"})
        out.append(finding(child_text(issue, "name"), sev, child_text(issue, "type"),
                           child_text(issue, "host"), child_text(issue, "path"),
                           child_text(issue, "location")))
    return out


def parse_tenable(data, name):
    lower = name.lower()
    if lower.endswith((".xml", ".nessus")):
        root = parse_xml(data)
        if "NessusClientData_v2" not in root.tag:
            raise ValueError("This version of Nessus report is not supported. Please make sure "
                             "the export is formatted using the NessusClientData_v2 schema.")
        out = []
        for host in root.iter("ReportHost"):
            for item in host.iter("ReportItem"):
                try:
                    sev = SEVERITIES[int(item.get("severity", "0"))]
                except (ValueError, IndexError):
                    sev = "Info"
                out.append(finding(item.get("pluginName"), sev, item.get("pluginID"),
                                   host.get("name"), item.get("port"), item.get("protocol")))
        return out
    if lower.endswith(".csv"):
        text = data.decode("utf-8-sig")
        first = text.split("\n", 1)[0]
        # Tenable.io exports separate columns with semicolons.
        rows = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
        out = []
        for row in rows:
            def col(*names):
                return next((row[n] for n in names if row.get(n)), "")
            title = col("Name", "Plugin Name", "definition.name")
            if not title:
                continue
            sev = named_severity(col("Risk", "Severity", "severity", "Risk Factor"), {"none": "info"})
            out.append(finding(title, sev, col("Plugin ID", "Plugin", "definition.id"),
                               col("Host", "IP Address", "asset.host_name"), col("Port", "port"),
                               col("Protocol", "protocol")))
        return out
    raise ValueError("Filename extension not recognized. Use .xml, .nessus or .csv")


PARSERS = {
    "ZAP Scan": parse_zap,
    "Trivy Scan": parse_trivy,
    "Nmap Scan": parse_nmap,
    "Semgrep JSON Report": parse_semgrep,
    "SARIF": parse_sarif,
    "Gitleaks Scan": parse_gitleaks,
    "Anchore Grype": parse_grype,
    "Dependency Check Scan": parse_dependency_check,
    "Burp Scan": parse_burp,
    "Tenable Scan": parse_tenable,
}


def parse_generic(data, name):
    """Scan types without a parser here: the file must at least be well-formed."""
    suffix = pathlib.PurePosixPath(name).suffix.lower()
    if suffix in (".json", ".sarif"):
        json.loads(data)
    elif suffix in (".xml", ".nessus"):
        parse_xml(data)
    return []


def parse_report(scan_type, data, name):
    result = PARSERS.get(scan_type, parse_generic)(data, name)
    return result if isinstance(result, Report) else Report(result, scan_type)


# ---------------------------------------------------------------------------
# multipart/form-data, parsed as Django's MultiPartParser does it: a part
# without a filename is a text field, a part whose filename sanitises to
# nothing is dropped, repeated names keep every value.

def parse_header_params(line):
    """Django's parse_header_parameters: main value (lower-cased) and params."""
    def split(s):
        while s[:1] == ";":
            s = s[1:]
            end = s.find(";")
            while end > 0 and (s.count('"', 0, end) - s.count('\\"', 0, end)) % 2:
                end = s.find(";", end + 1)
            if end < 0:
                end = len(s)
            yield s[:end].strip()
            s = s[end:]

    parts = split(";" + line)
    key = next(parts).lower()
    params = {}
    for p in parts:
        i = p.find("=")
        if i < 0:
            continue
        name = p[:i].strip().lower()
        encoded = False
        if name.endswith("*"):
            name = name[:-1]
            encoded = p.count("'") == 2
        value = p[i + 1:].strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace("\\\\", "\\").replace('\\"', '"')
        if encoded:
            charset, _lang, rest = value.split("'")
            try:
                value = urllib.parse.unquote(rest, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError):
                value = rest
        params[name] = value
    return key, params


def sanitize_filename(name):
    name = html.unescape(name).rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return None if name in ("", ".", "..") else name


class UploadedFile:
    """A file part: a window on the request body, read only when needed."""

    def __init__(self, buf, start, end, filename, content_type):
        self.buf, self.start, self.end = buf, start, end
        self.filename = filename
        self.content_type = content_type

    @property
    def size(self):
        return self.end - self.start

    def read(self):
        return bytes(self.buf[self.start:self.end])

    def sha256(self):
        digest = hashlib.sha256()
        view = memoryview(self.buf)
        for pos in range(self.start, self.end, 1 << 20):
            digest.update(view[pos:min(pos + (1 << 20), self.end)])
        view.release()
        return digest.hexdigest()

    def __str__(self):
        return self.filename


class Form:
    """request.data of a multipart request: text fields, then files (DRF
    appends the files to the QueryDict), so the last value of a name is a
    file when there is one."""

    def __init__(self):
        self.fields = []  # (name, text) as received
        self.files = []  # (name, UploadedFile) as received
        self.by_name = (collections.defaultdict(list), collections.defaultdict(list))
        self.invalid_utf8 = []  # names of the parts whose header or text was not UTF-8

    def add_field(self, name, text):
        self.fields.append((name, text))
        self.by_name[0][name].append(text)

    def add_file(self, name, upload):
        self.files.append((name, upload))
        self.by_name[1][name].append(upload)

    def getlist(self, name):
        texts, files = self.by_name
        return texts.get(name, []) + files.get(name, [])

    def has(self, name):
        return name in self.by_name[0] or name in self.by_name[1]

    def last(self, name):
        return self.getlist(name)[-1]

    def names(self):
        return list(dict.fromkeys([*self.by_name[0], *self.by_name[1]]))

    def raw_dict(self):
        """AutoCreateContextManager.convert_querydict_to_dict: the last value of
        each name, left out when it is empty."""
        return {n: self.last(n) for n in self.names() if self.last(n)}


def media_type_matches(content_type):
    """DRF's media type match against the MultiPartParser's multipart/form-data."""
    main, _ = parse_header_params(content_type)
    kind, _, sub = main.partition("/")
    return kind in ("multipart", "*") and sub.strip() in ("form-data", "*")


def parse_form(content_type, buf):
    if len(buf) == 0:
        return Form()
    if not media_type_matches(content_type or ""):
        raise detail_error(415, f'Unsupported media type "{content_type or ""}" in request.')
    main, params = parse_header_params(content_type)
    if not main.startswith("multipart/"):
        raise detail_error(400, f"Multipart form parse error - Invalid Content-Type: {content_type}")
    boundary = params.get("boundary")
    if not boundary or not re.fullmatch(r"[ -~]{0,200}[!-~]", boundary):
        raise detail_error(400, f"Multipart form parse error - Invalid boundary in multipart: {boundary}")
    return split_multipart(buf, b"--" + boundary.encode("ascii"))


def split_multipart(buf, delim):
    form = Form()
    field_bytes = 0
    pos = buf.find(delim)
    while pos >= 0:
        pos += len(delim)
        if buf[pos:pos + 2] == b"--":
            break
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            break
        start = eol + 2
        nxt = buf.find(b"\r\n" + delim, start)
        end = len(buf) if nxt < 0 else nxt  # an unterminated last part runs to the end
        if buf[start:start + 2] == b"\r\n":
            head_end, data_start = start, start + 2
        else:
            head_end = buf.find(b"\r\n\r\n", start, min(end, start + PART_HEADER_LIMIT))
            data_start = head_end + 4
        pos = -1 if nxt < 0 else nxt + 2
        if head_end < 0:
            continue  # no header block within the limit: Django skips such a part
        headers = {}
        raw_head = bytes(buf[start:head_end])
        for line in raw_head.decode("utf-8", "replace").split("\r\n"):
            main, hparams = parse_header_params(line)
            hname, sep, value = main.partition(":")
            if sep:
                headers[hname.strip()] = (value.strip(), hparams)
        disposition = headers.get("content-disposition", ("", {}))[1]
        name = disposition.get("name")
        if not name:
            continue
        if not valid_utf8(raw_head):
            form.invalid_utf8.append(name)
        if disposition.get("filename"):
            filename = sanitize_filename(disposition["filename"])
            if filename is None:
                continue
            if len(form.files) >= MAX_FILES:
                raise server_error()
            ctype = headers.get("content-type", ("", {}))[0]
            form.add_file(name, UploadedFile(buf, data_start, end, filename, ctype))
        else:
            field_bytes += len(name) + 2 + (end - data_start)
            if field_bytes > MAX_FIELD_BYTES or len(form.fields) >= MAX_FIELDS:
                raise server_error()
            raw = bytes(buf[data_start:end])
            if not valid_utf8(raw) and name not in form.invalid_utf8:
                form.invalid_utf8.append(name)
            form.add_field(name, raw.decode("utf-8", "replace"))
    return form


def valid_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------------------
# DRF field validation (3.17) for the multipart upload serializers.

BOOL_TRUE = {"t", "y", "yes", "true", "on", "1"}
BOOL_FALSE = {"f", "n", "no", "false", "off", "0"}
TAG_BAD = re.compile(r"[ ,'\"]")
HOST_RE = re.compile(
    r"(localhost|(\d{1,3}\.){3}\d{1,3}|\[[0-9a-f:.]+\]|"
    r"([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
    r"([a-z\u00a1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})\.?)(:\d{1,5})?", re.I)


def parse_iso_date(value):
    """Django's parse_date: ISO 8601 first, then the lenient Y-m-d pattern."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})$", value)
        return datetime.date(*map(int, m.groups())) if m else None


def valid_url(value):
    parts = urllib.parse.urlsplit(value) if not re.search(r"\s", value) else None
    return bool(parts and parts.scheme.lower() in ("http", "https", "ftp", "ftps")
                and HOST_RE.fullmatch(parts.netloc.rsplit("@", 1)[-1]) and len(value) <= 2048)


def form_value(field, form):
    """DRF Field.get_value for HTML input: absent, empty and present values."""
    if field.kind == "tags":
        values = form.getlist(field.name)
        if values:
            return values
        indexed = {}
        for name, value in form.fields:
            if m := re.fullmatch(re.escape(field.name) + r"\[([0-9]+)\]", name):
                indexed[int(m.group(1))] = value
        return [indexed[i] for i in sorted(indexed)] or EMPTY
    if not form.has(field.name):
        return field.empty_html()
    value = form.last(field.name)
    if value == "" and field.allow_null:
        return None
    if value == "" and not field.required:
        return EMPTY
    return value


# ---------------------------------------------------------------------------
# Storage.  One SQLite connection shared by all request threads under one
# lock, committed after every request, so a second run with the same --db
# sees everything the first one did.

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS users(
    id INTEGER PRIMARY KEY, username TEXT UNIQUE NOT NULL, role TEXT NOT NULL,
    token_sha256 TEXT UNIQUE, date_joined TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS environments(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS product_types(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS products(
    id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, description TEXT,
    prod_type INTEGER NOT NULL REFERENCES product_types(id));
CREATE TABLE IF NOT EXISTS engagements(
    id INTEGER PRIMARY KEY, product INTEGER NOT NULL REFERENCES products(id), name TEXT NOT NULL,
    engagement_type TEXT, status TEXT, active INTEGER, target_start TEXT, target_end TEXT,
    lead INTEGER, deduplication_on_engagement INTEGER, source_code_management_uri TEXT);
CREATE TABLE IF NOT EXISTS tests(
    id INTEGER PRIMARY KEY, engagement INTEGER NOT NULL REFERENCES engagements(id), title TEXT,
    scan_type TEXT NOT NULL, test_type TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '[]',
    version TEXT, build_id TEXT, commit_hash TEXT, branch_tag TEXT, environment TEXT,
    scan_date TEXT, target_start TEXT, target_end TEXT);
CREATE TABLE IF NOT EXISTS findings(
    id INTEGER PRIMARY KEY, test INTEGER NOT NULL REFERENCES tests(id), hash_code TEXT NOT NULL,
    title TEXT NOT NULL, severity TEXT NOT NULL, active INTEGER NOT NULL, verified INTEGER NOT NULL,
    is_mitigated INTEGER NOT NULL, mitigated TEXT, date TEXT, service TEXT);
CREATE INDEX IF NOT EXISTS findings_test ON findings(test, hash_code);
"""


class Store:
    def __init__(self, path):
        self.db = sqlite3.connect(path or ":memory:", check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA_SQL)
        self.db.executemany("INSERT OR IGNORE INTO environments(name) VALUES (?)",
                            [(e,) for e in ENVIRONMENTS])
        self.db.commit()

    def one(self, sql, *args):
        return self.db.execute(sql, args).fetchone()

    def all(self, sql, *args):
        return self.db.execute(sql, args).fetchall()

    def insert(self, sql, *args):
        return self.db.execute(sql, args).lastrowid

    def set_tokens(self, tokens):
        """Make exactly these (token, role) pairs valid.  Only a hash of each
        token is stored; a token keeps its user (and user id) across restarts
        as long as its role stays the same."""
        wanted = {}
        for token, role in tokens:
            wanted.setdefault(hashlib.sha256(token.encode()).hexdigest(), role)  # first role wins
        for row in self.all("SELECT id, role, token_sha256 FROM users WHERE token_sha256 IS NOT NULL"):
            if wanted.get(row["token_sha256"]) == row["role"]:
                del wanted[row["token_sha256"]]
            else:
                self.db.execute("UPDATE users SET token_sha256 = NULL WHERE id = ?", (row["id"],))
        for digest, role in wanted.items():
            row = self.one("SELECT id FROM users WHERE role = ? AND token_sha256 IS NULL "
                           "ORDER BY id LIMIT 1", role)
            if row:
                self.db.execute("UPDATE users SET token_sha256 = ? WHERE id = ?", (digest, row["id"]))
                continue
            base = {"superuser": "admin", "api_importer": "importer", "reader": "reader"}[role]
            count = self.one("SELECT COUNT(*) AS n FROM users WHERE role = ?", role)["n"]
            self.insert("INSERT INTO users(username, role, token_sha256, date_joined) VALUES (?,?,?,?)",
                        base if count == 0 else f"{base}{count + 1}", role, digest, utc_now_iso())
        self.db.commit()

    def user_by_token(self, token):
        return self.one("SELECT * FROM users WHERE token_sha256 = ?",
                        hashlib.sha256(token.encode()).hexdigest())

    def object_by_id(self, table, value):
        """Django's get(pk=value) on a string id."""
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"Field 'id' expected a number but got {value!r}.") from None
        return self.one(f"SELECT * FROM {table} WHERE id = ?", pk)

    def product_type(self, name):
        return self.one("SELECT * FROM product_types WHERE name = ?", name) if name else None

    def product(self, name, product_type_name):
        """get_target_product_if_exists: product names are global; a differing
        product type name is a conflict."""
        if not name:
            return None
        row = self.one("SELECT p.*, t.name AS type_name FROM products p "
                       "JOIN product_types t ON t.id = p.prod_type WHERE p.name = ?", name)
        if row and product_type_name and row["type_name"] != product_type_name:
            raise ValueError(
                "The fetched product has a conflict with the supplied product type name: "
                f"existing product type name - {row['type_name']} vs "
                f"supplied product type name - {product_type_name}")
        return row

    def engagement(self, engagement_id, name, product):
        if engagement_id and (row := self.object_by_id("engagements", engagement_id)):
            return row
        if product is None:
            return None
        return self.one("SELECT * FROM engagements WHERE product = ? AND name = ? "
                        "ORDER BY id DESC LIMIT 1", product["id"], name)

    def test(self, test_id, title, scan_type, engagement):
        if test_id and (row := self.object_by_id("tests", test_id)):
            return row
        if not engagement:
            return None
        if title:
            return self.one("SELECT * FROM tests WHERE engagement = ? AND title = ? AND scan_type = ? "
                            "ORDER BY id DESC LIMIT 1", engagement["id"], title, scan_type)
        return self.one("SELECT * FROM tests WHERE engagement = ? AND scan_type = ? "
                        "ORDER BY id DESC LIMIT 1", engagement["id"], scan_type)

    def test_context(self, test_id):
        return self.one("SELECT t.id AS test, e.id AS engagement, e.name AS engagement_name, "
                        "p.id AS product, p.name AS product_name, p.prod_type AS product_type "
                        "FROM tests t JOIN engagements e ON e.id = t.engagement "
                        "JOIN products p ON p.id = e.product WHERE t.id = ?", test_id)

    def statistics(self, test_id, only=None):
        """DefectDojo's SeverityStatusStatistics for a test's findings, or for
        those of them whose ids are in `only`.  Duplicates, false positives,
        out-of-scope and risk-accepted findings do not occur here: always 0."""
        stats = {k: dict.fromkeys(STAT_KEYS, 0) for k in ("info", "low", "medium", "high", "critical", "total")}
        for row in self.all("SELECT id, severity, active, verified, is_mitigated FROM findings "
                            "WHERE test = ?", test_id):
            if only is not None and row["id"] not in only:
                continue
            for key in (row["severity"].lower(), "total"):
                stats[key]["active"] += row["active"]
                stats[key]["verified"] += row["verified"]
                stats[key]["is_mitigated"] += row["is_mitigated"]
                stats[key]["total"] += 1
        return stats

    def dump(self):
        def rows(sql):
            return [dict(r) for r in self.all(sql)]

        tests = []
        for t in rows("SELECT * FROM tests ORDER BY id"):
            t["tags"] = json.loads(t["tags"])
            counts = self.one("SELECT COUNT(*) AS total, COALESCE(SUM(active), 0) AS active, "
                              "COALESCE(SUM(is_mitigated), 0) AS mitigated FROM findings WHERE test = ?",
                              t["id"])
            t["findings"] = dict(counts)
            tests.append(t)
        engagements = rows("SELECT * FROM engagements ORDER BY id")
        for e in engagements:
            e["active"] = bool(e["active"])
            e["deduplication_on_engagement"] = bool(e["deduplication_on_engagement"])
        return {
            "product_types": rows("SELECT * FROM product_types ORDER BY id"),
            "products": rows("SELECT * FROM products ORDER BY id"),
            "engagements": engagements,
            "tests": tests,
        }


def utc_now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


# ---------------------------------------------------------------------------
# Authentication, as DRF's Basic and Token authentication classes do it.

class Auth:
    """The outcome of reading the Authorization header: the user (or None),
    the 403 it causes, and how the request record shows it."""

    def __init__(self, state, shown, user=None, error=None):
        self.state, self.shown, self.user, self.error = state, shown, user, error


def authenticate(header, store, refuse_token):
    if header is None:
        return Auth("missing", None)
    parts = header.encode("latin-1", "replace").split()
    if not parts:
        return Auth("missing", header)
    keyword = parts[0].decode("latin-1")
    if keyword.lower() == "basic":
        if len(parts) == 1:
            msg = "Invalid basic header. No credentials provided."
        elif len(parts) > 2:
            msg = "Invalid basic header. Credentials string should not contain spaces."
        else:
            try:
                text = base64.b64decode(parts[1]).decode("latin-1")
            except ValueError:
                text = ""
            # Decodable "user:password" is checked and fails: no user here has a password.
            msg = ("Invalid username/password." if ":" in text
                   else "Invalid basic header. Credentials not correctly base64 encoded.")
        return Auth(f"scheme:{keyword}", keyword, error=msg)
    if keyword.lower() != "token":
        return Auth(f"scheme:{keyword}", keyword)  # ignored, so unauthenticated
    if len(parts) == 1:
        return Auth("bad", keyword, error="Invalid token header. No credentials provided.")
    if len(parts) > 2:
        return Auth("bad", f"{keyword} <redacted:bad>",
                    error="Invalid token header. Token string should not contain spaces.")
    try:
        token = parts[1].decode()
    except UnicodeDecodeError:
        return Auth("bad", f"{keyword} <redacted:bad>",
                    error="Invalid token header. Token string should not contain invalid characters.")
    user = store.user_by_token(token)
    if user is None:
        return Auth("bad", f"{keyword} <redacted:bad>", error="Invalid token.")
    if refuse_token:
        return Auth("ok", f"{keyword} <redacted:ok>", error="Invalid token.")
    return Auth("ok", f"{keyword} <redacted:ok>", user=user)


def allowed(user, permission):
    """DefectDojo role permissions: an API_Importer may import and add
    engagements but not create products or product types; a Reader may not
    import at all."""
    role = user["role"]
    if role == "superuser":
        return True
    return role == "api_importer" and permission in ("import", "engagement_add")


# ---------------------------------------------------------------------------
# The upload endpoints.

class Dojo:
    def __init__(self, schema, store, today, max_file_mb):
        self.schema = schema
        self.store = store
        self.today = today
        self.max_file_mb = max_file_mb

    # -- permission pre-check (dojo/api_v2/permissions.py): raw form strings,
    #    untrimmed names, raw-string truthiness of auto_create_context.

    def precheck(self, kind, raw, user):
        st = self.store
        d = dict(raw)
        try:
            for key, label in (("test", "test_id"), ("engagement", "engagement_id"), ("product", "product_id")):
                value = d.get(key)
                if value:
                    if isinstance(value, str) and not value.isdigit():
                        raise ValueError(f"{key} must be an integer")
                    d[label] = value
            if kind == "reimport":  # not a reimport field, so not used for resolution
                d.pop("engagement", None)
                d.pop("engagement_id", None)
            product_type = st.product_type(d.get("product_type_name"))
            product = st.product(d.get("product_name"), d.get("product_type_name"))
            engagement = st.engagement(d.get("engagement_id"), d.get("engagement_name"), product)
            test = None
            if kind == "reimport":
                test = st.test(d.get("test_id"), d.get("test_title"), d.get("scan_type"), engagement)
        except (ValueError, TypeError) as e:
            raise precheck_error(str(e)) from None

        if kind == "import":
            if engagement:
                if product and engagement["product"] != product["id"]:
                    raise precheck_error("The provided identifiers are inconsistent — the engagement "
                                         "does not belong to the specified product.")
                if d.get("engagement_name") and engagement["name"] != d["engagement_name"]:
                    raise precheck_error("The provided identifiers are inconsistent — the engagement "
                                         "name does not match the specified engagement.")
                return self.require(user, "import")
            if d.get("engagement_id"):
                raise precheck_error(f'Engagement "{d["engagement_id"]}" does not exist')
            generic = "Need engagement_id or product_name + engagement_name to perform import"
        else:
            if test:
                ctx = st.test_context(test["id"])
                if (product and ctx["product"] != product["id"]) or (
                        not product and d.get("product_name") and ctx["product_name"] != d["product_name"]):
                    raise precheck_error("The provided identifiers are inconsistent — the test "
                                         "does not belong to the specified product.")
                if (engagement and ctx["engagement"] != engagement["id"]) or (
                        not engagement and d.get("engagement_name")
                        and ctx["engagement_name"] != d["engagement_name"]):
                    raise precheck_error("The provided identifiers are inconsistent — the test "
                                         "does not belong to the specified engagement.")
                return self.require(user, "import")
            if d.get("test_id"):
                raise precheck_error(f'Test "{d["test_id"]}" does not exist')
            generic = "Need test_id or product_name + engagement_name + scan_type to perform reimport"

        product_name, engagement_name = d.get("product_name"), d.get("engagement_name")
        product_type_name = d.get("product_type_name")
        if not product_name:
            raise precheck_error("product_name parameter missing")
        if not engagement_name:
            raise precheck_error("engagement_name parameter missing")
        if not d.get("auto_create_context"):
            if product_type_name and not product_type:
                raise precheck_error(f'Product Type "{product_type_name}" does not exist')
            if not product:
                if product_type_name:
                    raise precheck_error(f'Product "{product_name}" does not exist in Product_Type "{product_type_name}"')
                raise precheck_error(f'Product "{product_name}" does not exist')
            if not engagement:
                raise precheck_error(f'Engagement "{engagement_name}" does not exist in Product "{product_name}"')
            if kind == "reimport" and d.get("test_title"):
                raise precheck_error(f'Test "{d["test_title"]}" with scan_type "{d.get("scan_type")}" '
                                     f'does not exist in Engagement "{engagement_name}"')
            if kind == "reimport" and d.get("scan_type"):
                raise precheck_error(f'Test with scan_type "{d["scan_type"]}" does not exist in '
                                     f'Engagement "{engagement_name}"')
            raise precheck_error(generic)
        # check_auto_create_permission
        if engagement:
            return self.require(user, "import")
        if product:
            if not allowed(user, "engagement_add"):
                raise denied(f'No permission to create engagements in product "{product_name}"')
            if not allowed(user, "import"):
                raise denied(f'No permission to import scans into product "{product_name}"')
            return None
        if not product_type_name:
            raise precheck_error(f'Product "{product_name}" does not exist and no product_type_name '
                                 'provided to create the new product in')
        if not product_type:
            if not allowed(user, "product_type_add"):
                raise denied(f'No permission to create product_type "{product_type_name}"')
            return None
        if not allowed(user, "product_add"):
            raise denied(f'No permission to create products in product_type "{product_type_name}"')
        return None

    @staticmethod
    def require(user, permission):
        if not allowed(user, permission):
            raise denied()

    # -- serializer validation

    def validate(self, kind, form):
        errors = {}
        data = {}
        for field in self.schema.fields[kind]:
            try:
                value = self.run_field(field, form_value(field, form))
                if field.name == "scan_date" and value and value > self.today:
                    raise FieldError(("The scan_date cannot be in the future!", "invalid"))
            except Skip:
                continue
            except FieldError as e:
                errors[field.name] = e.details
                continue
            data[field.name] = value
        if errors:
            raise serializer_error(errors)
        # Serializer.validate(): file presence and size.
        scan_type, upload = data["scan_type"], data.get("file")
        if upload is None and scan_type not in NO_FILE_TYPES:
            raise serializer_error({"non_field_errors": [
                (f"Uploading a Report File is required for {scan_type}", "invalid")]})
        if upload is not None and upload.size / (1024 * 1024) > self.max_file_mb:
            raise serializer_error({"non_field_errors": [
                (f"Report file is too large. Maximum supported size is {self.max_file_mb} MB", "invalid")]})
        return data

    def run_field(self, field, data):
        if field.kind == "tags":
            return self.run_tags(data)
        if data is EMPTY:
            if field.required:
                raise FieldError(("This field is required.", "required"))
            if field.default is EMPTY:
                raise Skip
            return field.default
        if data is None:  # only a nullable field reads an empty value as None
            return None
        kind = field.kind
        if kind in ("char", "url"):
            if str(data).strip() == "":
                if not field.allow_blank:
                    raise FieldError(("This field may not be blank.", "blank"))
                return ""
            if not isinstance(data, str):
                raise FieldError(("Not a valid string.", "invalid"))
            value = data.strip()
            problems = []
            if field.max_length and len(value) > field.max_length:
                problems.append((f"Ensure this field has no more than {field.max_length} characters.", "max_length"))
            if "\x00" in value:
                problems.append(("Null characters are not allowed.", "null_characters_not_allowed"))
            if kind == "url" and not valid_url(value):
                problems.append(("Enter a valid URL.", "invalid"))
            if problems:
                raise FieldError(*problems)
            return value
        if kind == "choice":
            if str(data) not in field.choices:
                raise FieldError((f'"{data}" is not a valid choice.', "invalid_choice"))
            return str(data)
        if kind == "bool":
            if data is True or data is False:
                return data
            if isinstance(data, str) and data.lower() in BOOL_TRUE:
                return True
            if isinstance(data, str) and data.lower() in BOOL_FALSE:
                return False
            raise FieldError(("Must be a valid boolean.", "invalid"))
        if kind == "date":
            try:
                value = parse_iso_date(data) if isinstance(data, str) else None
            except ValueError:
                value = None
            if value is None:
                raise FieldError(("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.", "invalid"))
            return value
        if kind == "pk":
            return self.run_pk(field, data)
        return self.run_file(data)

    def run_pk(self, field, data):
        table = {"test": "tests", "engagement": "engagements", "lead": "users"}.get(field.name)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            kind = "TemporaryUploadedFile" if isinstance(data, UploadedFile) else type(data).__name__
            raise FieldError((f"Incorrect type. Expected pk value, received {kind}.", "incorrect_type")) from None
        if table is None or self.store.one(f"SELECT id FROM {table} WHERE id = ?", pk) is None:
            raise FieldError((f'Invalid pk "{data}" - object does not exist.', "does_not_exist"))
        return pk

    def run_file(self, data):
        if not isinstance(data, UploadedFile):
            raise FieldError(("The submitted data was not a file. Check the encoding type on the form.", "invalid"))
        ext = pathlib.PurePosixPath(data.filename).suffix[1:].lower()
        if ext not in self.schema.extensions:
            raise FieldError((f"File extension “{ext}” is not allowed. Allowed extensions are: "
                              f"{', '.join(self.schema.extensions)}.", "invalid_extension"))
        return data

    @staticmethod
    def run_tags(data):
        """TagListSerializerField: each value split like a tag string, each
        piece checked by DefectDojo's tag_validator."""
        if data is EMPTY:
            raise Skip
        if data == [""]:
            return []
        tags = []
        for value in data:
            if not isinstance(value, str):
                raise FieldError(("All list items must be of string type.", "not_a_str"))
            if value.strip() == "":
                raise FieldError(("This field may not be blank.", "blank"))
            for piece in re.findall(r'(?:"[^"]*"|[^",]+)', value):
                if TAG_BAD.search(piece):
                    raise FieldError((f"Invalid tag: '{piece}'. Tags should not contain spaces, "
                                      "commas, or quotes.", "invalid"))
                tags.append(piece)
        return tags

    # -- after validation: perform_create(), save(), process_scan()

    def upload(self, kind, method, user, form):
        self.precheck(kind, form.raw_dict(), user)
        if method != "POST":
            raise detail_error(405, f'Method "{method}" not allowed.')
        data = self.validate(kind, form)
        st = self.store
        try:  # perform_create re-resolves the (now trimmed) names
            product = st.product(data.get("product_name"), data.get("product_type_name"))
        except ValueError as e:
            raise django_error(str(e)) from None
        environment = self.environment(data)
        test = None
        if kind == "reimport":
            engagement = st.engagement(None, data.get("engagement_name"), product)
            test = st.test(data.get("test"), data.get("test_title"), data["scan_type"], engagement)
            if test is None and not data.get("auto_create_context"):
                raise detail_error(404, "A test could not be found!")
        flags = finding_flags(data, form)
        if test is None:
            engagement = self.get_or_create_engagement(data, user["id"])
            # A reimport that finds no test imports, but never closes old findings.
            test_id = self.import_scan(data, engagement, environment, flags, kind == "import")
            statistics = {"after": st.statistics(test_id)}
        else:
            test_id = test["id"]
            statistics = self.reimport_scan(data, test, flags)
        return self.response_body(kind, data, test_id, statistics)

    def environment(self, data):
        name = data.get("environment", "Development")
        if data.get("auto_create_context"):
            self.store.insert("INSERT OR IGNORE INTO environments(name) VALUES (?)", name)
        elif self.store.one("SELECT id FROM environments WHERE name = ?", name) is None:
            raise django_error(f"Environment named {name} does not exist.")
        return name

    def get_or_create_engagement(self, data, user_id):
        st = self.store
        try:
            product = st.product(data.get("product_name"), data.get("product_type_name"))
            engagement = st.engagement(data.get("engagement"), data.get("engagement_name"), product)
            if engagement:
                return engagement
            if not data.get("auto_create_context"):
                raise ValueError("auto_create_context not True, unable to create non-existing engagement")
        except ValueError as e:
            raise django_error(str(e)) from None
        if product is None:
            type_name = data.get("product_type_name")
            product_type = st.product_type(type_name)
            if product_type is None:
                check_length("product_types", type_name)
                product_type = {"id": st.insert("INSERT INTO product_types(name) VALUES (?)", type_name)}
            name = data.get("product_name")
            check_length("products", name)
            product = {"id": st.insert("INSERT INTO products(name, description, prod_type) VALUES (?,?,?)",
                                       name, name, product_type["id"])}
        name = data.get("engagement_name")
        check_length("engagements", name)
        target_end = data.get("engagement_end_date")
        if target_end is None or self.today > target_end:
            target_end = self.today + datetime.timedelta(days=365)
        eid = st.insert(
            "INSERT INTO engagements(product, name, engagement_type, status, active, target_start, "
            "target_end, lead, deduplication_on_engagement, source_code_management_uri) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            product["id"], name, "CI/CD", "In Progress", 1, self.today.isoformat(), target_end.isoformat(),
            user_id, int(bool(data.get("deduplication_on_engagement"))),
            data.get("source_code_management_uri"))
        return st.one("SELECT * FROM engagements WHERE id = ?", eid)

    def parse(self, data):
        upload = data.get("file")
        if upload is None:
            return Report([], data["scan_type"])
        try:
            return parse_report(data["scan_type"], upload.read(), upload.filename)
        except ValueError as e:
            raise django_error(str(e)) from None
        except Exception:  # DefectDojo answers anything else with a 500
            log("report parser failed:\n" + traceback.format_exc().rstrip())
            raise server_error() from None

    def keep(self, data, findings):
        floor = SEVERITIES.index(data["minimum_severity"])
        return [f for f in findings if SEVERITIES.index(f.severity) >= floor]

    def import_scan(self, data, engagement, environment, flags, close_old):
        st = self.store
        scan_type = data["scan_type"]
        scan_date = data.get("scan_date")
        when = scan_date.isoformat() if scan_date else utc_now_iso()
        # Dynamic test types (SARIF) are known only after parsing; every other
        # test is created before the report is read, so a failed parse leaves
        # an empty test behind, as in DefectDojo.
        report = self.parse(data) if scan_type == "SARIF" else None
        title = data.get("test_title")
        if title:
            check_length("tests", title)
        test_id = st.insert(
            "INSERT INTO tests(engagement, title, scan_type, test_type, tags, version, build_id, "
            "commit_hash, branch_tag, environment, scan_date, target_start, target_end) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            engagement["id"], title, scan_type, report.test_type if report else scan_type,
            json.dumps([t.lower() for t in data.get("tags", [])]), data.get("version"),
            data.get("build_id"), data.get("commit_hash"), data.get("branch_tag"), environment,
            scan_date.isoformat() if scan_date else None, when, when)
        st.db.commit()
        if report is None:
            report = self.parse(data)
        findings = self.keep(data, report.findings)
        for f in findings:
            self.add_finding(test_id, f, data, flags, when)
        if close_old and data["close_old_findings"]:
            self.close_old_elsewhere(data, engagement, test_id, {f.key for f in findings})
        self.extend_engagement(engagement["id"], scan_date)
        return test_id

    def add_finding(self, test_id, f, data, flags, when):
        active, verified = flags
        return self.store.insert(
            "INSERT INTO findings(test, hash_code, title, severity, active, verified, is_mitigated, "
            "date, service) VALUES (?,?,?,?,?,?,0,?,?)",
            test_id, f.key, f.title, f.severity, int(active), int(verified), when[:10], data.get("service"))

    def close_old_elsewhere(self, data, engagement, test_id, keys):
        """Import with close_old_findings: mitigate findings of earlier tests of
        the same scan type (engagement or product scope, same service) that
        the new report no longer has."""
        scope, arg = ("e.id = ?", engagement["id"])
        if data.get("close_old_findings_product_scope"):
            scope, arg = ("e.product = ?", engagement["product"])
        rows = self.store.all(
            f"SELECT f.id, f.hash_code FROM findings f JOIN tests t ON t.id = f.test "
            f"JOIN engagements e ON e.id = t.engagement WHERE {scope} AND t.id != ? "
            f"AND t.scan_type = ? AND f.is_mitigated = 0 AND f.service IS ?",
            arg, test_id, data["scan_type"], data.get("service"))
        self.mitigate([r["id"] for r in rows if r["hash_code"] not in keys], data)

    def mitigate(self, ids, data):
        scan_date = data.get("scan_date")
        when = scan_date.isoformat() if scan_date else utc_now_iso()
        self.store.db.executemany("UPDATE findings SET active = 0, is_mitigated = 1, mitigated = ? "
                                  "WHERE id = ?", [(when, fid) for fid in ids])

    def extend_engagement(self, engagement_id, scan_date):
        """update_timestamps: a CI/CD engagement's end follows the scan date."""
        if scan_date:
            self.store.db.execute(
                "UPDATE engagements SET target_end = MAX(target_end, ?) "
                "WHERE id = ? AND engagement_type = 'CI/CD'", (scan_date.isoformat(), engagement_id))

    def reimport_scan(self, data, test, flags):
        st = self.store
        test_id = test["id"]
        before = st.statistics(test_id)
        report = self.parse(data)
        if data["scan_type"] == "SARIF" and report.test_type != test["test_type"]:
            raise django_error(
                f"Test type mismatch: Test {test_id} has test_type '{test['test_type']}', but the "
                f"report contains test_type '{report.test_type}'. Reimport with matching test_type "
                "or create a new test.")
        scan_date = data.get("scan_date")
        when = scan_date.isoformat() if scan_date else utc_now_iso()
        existing = collections.defaultdict(collections.deque)
        for row in st.all("SELECT id, hash_code, is_mitigated FROM findings WHERE test = ? ORDER BY id", test_id):
            existing[row["hash_code"]].append(row)
        created, reactivated, untouched, matched = [], [], [], set()
        # Each reported finding claims at most one stored finding with its key,
        # so reimporting the same report changes nothing.
        for f in self.keep(data, report.findings):
            if existing[f.key]:
                row = existing[f.key].popleft()
                matched.add(row["id"])
                if row["is_mitigated"] and not data["do_not_reactivate"]:
                    st.db.execute("UPDATE findings SET active = 1, is_mitigated = 0, mitigated = NULL "
                                  "WHERE id = ?", (row["id"],))
                    reactivated.append(row["id"])
                else:
                    untouched.append(row["id"])
            else:
                created.append(self.add_finding(test_id, f, data, flags, when))
        closed = []
        if data["close_old_findings"]:
            keep = matched.union(created)
            closed = [r["id"] for r in st.all(
                "SELECT id FROM findings WHERE test = ? AND is_mitigated = 0 AND service IS ?",
                test_id, data.get("service")) if r["id"] not in keep]
            self.mitigate(closed, data)
        updates = {k: data[k] for k in ("version", "build_id", "commit_hash", "branch_tag") if data.get(k)}
        if data.get("tags"):
            updates["tags"] = json.dumps([t.lower() for t in data["tags"]])
        if scan_date:
            updates["scan_date"] = scan_date.isoformat()
            updates["target_end"] = max(test["target_end"] or "", scan_date.isoformat())
        if updates:
            st.db.execute(f"UPDATE tests SET {', '.join(k + ' = ?' for k in updates)} WHERE id = ?",
                          (*updates.values(), test_id))
        self.extend_engagement(test["engagement"], scan_date)
        return {
            "before": before,
            "delta": {name: st.statistics(test_id, set(ids)) for name, ids in (
                ("created", created), ("closed", closed), ("reactivated", reactivated), ("untouched", untouched))},
            "after": st.statistics(test_id),
        }

    def response_body(self, kind, data, test_id, statistics):
        """serializer.data: validated input echoed in declaration order, plus
        what process_scan filled in.  The file itself is never echoed."""
        ctx = self.store.test_context(test_id)
        filled = {"test": test_id, "test_id": test_id, "engagement_id": ctx["engagement"],
                  "product_id": ctx["product"], "product_type_id": ctx["product_type"],
                  "statistics": statistics}
        if data["scan_type"] in PRO_CONNECTOR_TYPES:
            filled["pro"] = [f"Did you know, Pro has an automated no-code connector for "
                             f"{data['scan_type']}? Try today for free or email us at hello@defectdojo.com"]
        body = {}
        for name in self.schema.response_order[kind]:
            if name in filled:
                body[name] = filled[name]
            elif name in data and name != "file":
                value = data[name]
                body[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return body


def finding_flags(data, form):
    """(active, verified) for new findings: the request's value when the field
    was sent (the serializer checks initial_data), else the parser's default."""
    def flag(name, default):
        value = data.get(name) if form.has(name) else None
        return default if value is None else value
    return flag("active", True), flag("verified", False)


def check_length(table, name):
    """A missing or overlong name is refused by the database: a 500 in DefectDojo."""
    if name is None or len(name) > NAME_LIMITS[table]:
        raise server_error()


# ---------------------------------------------------------------------------
# Faults: what nginx and uwsgi in front of a busy DefectDojo do.

class Faults:
    ITEM_KEYS = {"status", "reset", "slow", "body", "process", "content_type", "location", "huge", "trickle"}

    def __init__(self, fail_rate, reset_rate, slow, refuse_token, seed):
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.queue = collections.deque()
        self.fail_rate, self.reset_rate, self.slow = fail_rate, reset_rate, slow
        self.refuse_token = refuse_token

    def snapshot(self):
        with self.lock:
            return {"next": list(self.queue), "fail_rate": self.fail_rate, "reset_rate": self.reset_rate,
                    "slow": self.slow, "refuse_token": self.refuse_token}

    def control(self, order):
        """Apply one control request; ValueError names what is wrong with it."""
        if not isinstance(order, dict):
            raise ValueError("the control body must be a JSON object")
        unknown = set(order) - {"next", "refuse_token", "fail_rate", "reset_rate", "slow", "reset"}
        if unknown:
            raise ValueError(f"unknown control keys: {', '.join(sorted(unknown))}")
        items = order.get("next", [])
        if not isinstance(items, list) or not all(isinstance(i, dict) and i for i in items):
            raise ValueError('"next" must be a list of non-empty objects')
        for item in items:
            if set(item) - self.ITEM_KEYS:
                raise ValueError(f"unknown fault keys: {', '.join(sorted(set(item) - self.ITEM_KEYS))}")
            if not {"status", "reset", "slow", "huge", "trickle"} & set(item):
                raise ValueError('each "next" item needs "status", "reset", "slow", "huge" or "trickle"')
            if "huge" in item and (isinstance(item["huge"], bool) or not isinstance(item["huge"], int)
                                   or item["huge"] < 0):
                raise ValueError('"huge" must be a number of bytes')
            if "trickle" in item and item["trickle"] is not True:
                check_seconds(item["trickle"], "trickle")
            for key in ("content_type", "location"):
                if key in item and not isinstance(item[key], str):
                    raise ValueError(f'"{key}" must be a string')
            if "status" in item and not (isinstance(item["status"], int) and 100 <= item["status"] <= 599):
                raise ValueError('"status" must be an HTTP status code')
            if "slow" in item:
                check_seconds(item["slow"], "slow")
        for key in ("fail_rate", "reset_rate"):
            if key in order:
                check_rate(order[key], key)
        if "slow" in order:
            check_seconds(order["slow"], "slow")
        if "refuse_token" in order and not isinstance(order["refuse_token"], bool):
            raise ValueError('"refuse_token" must be true or false')
        if "reset" in order and order["reset"] != "all":
            raise ValueError('"reset" must be "all"')
        with self.lock:
            if order.get("reset") == "all":
                self.queue.clear()
                self.fail_rate = self.reset_rate = self.slow = 0
                self.refuse_token = False
            self.queue.extend(items)
            for key in ("fail_rate", "reset_rate", "slow", "refuse_token"):
                if key in order:
                    setattr(self, key, order[key])
        return self.snapshot()

    def pick(self, is_upload):
        """The fault for this request: queued ones go to uploads in order;
        otherwise the configured rates decide."""
        with self.lock:
            if is_upload and self.queue:
                return dict(self.queue.popleft())
            if self.reset_rate and self.rng.random() < self.reset_rate:
                return {"reset": True}
            if is_upload and self.fail_rate and self.rng.random() < self.fail_rate:
                return {"status": self.rng.choice((502, 503))}
            return {}


def check_rate(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f'"{name}" must be a number from 0 to 1')


def check_seconds(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3600:
        raise ValueError(f'"{name}" must be a number of seconds')


# ---------------------------------------------------------------------------
# HTTP.

class Response:
    def __init__(self, status, body=b"", content_type=None, headers=None, recorded=None, close=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.recorded = recorded
        self.close = close


def json_response(status, obj, headers=None):
    # DRF's JSONRenderer: compact, UTF-8, with U+2028/2029 escaped.
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    body = text.encode("utf-8")
    recorded = obj if len(body) <= RECORD_BODY_LIMIT else f"<{len(body)} bytes omitted>"
    return Response(status, body, "application/json", headers, recorded)


def reason(status):
    return http.client.responses.get(status, "Unknown")


def nginx_response(status, close=False):
    title = NGINX_TITLES.get(status) or f"{status} {reason(status)}"
    page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>"
            f"\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
    return Response(status, page.encode(), "text/html", recorded=page, close=close)


ROUTES = {
    "/api/v2/": ("root", ("GET",)),
    "/api/v2/import-scan/": ("upload", ("POST",)),
    "/api/v2/reimport-scan/": ("upload", ("POST",)),
    "/api/v2/user_profile/": ("profile", ("GET",)),
    "/api/v2/oa3/schema/": ("openapi", ("GET",)),
    "/api/v2/test_types/": ("test_types", ("GET",)),
    "/__fakedojo__/control": ("control", ("POST",)),
    "/__fakedojo__/state": ("state", ("GET",)),
}
UPLOAD_PATHS = ("/api/v2/import-scan", "/api/v2/reimport-scan")


class App:
    """Everything behind nginx: routing, authentication, the endpoints."""

    def __init__(self, schema, store, dojo, faults):
        self.schema, self.store, self.dojo, self.faults = schema, store, dojo, faults
        self.lock = threading.Lock()
        self.reports = reportbuilder.ReportBuilder(schema.raw, store.db, PRO)

    def authenticate(self, header):
        with self.lock:
            return authenticate(header, self.store, self.faults.refuse_token)

    def handle(self, req, auth):
        route = ROUTES.get(req.path) or (("reports", ()) if self.reports.owns(req.path) else None)
        if route is None:
            if not req.path.endswith("/") and (req.path + "/" in ROUTES or self.reports.owns(req.path + "/")):
                # Django's CommonMiddleware (APPEND_SLASH), for every method.
                location = req.path + "/" + ("?" + req.query if req.query else "")
                return Response(301, b"", "text/html; charset=utf-8", {"Location": location}, recorded="")
            return json_response(404, {"detail": "Not found."})
        name, methods = route
        if name == "control":
            return self.control(req)
        if name == "state":
            return self.state()
        allow = {"Allow": ", ".join(methods + (("HEAD",) if "GET" in methods else ()) + ("OPTIONS",))}
        with self.lock:
            try:
                if auth.error:
                    raise denied(auth.error)
                if auth.user is None:
                    raise denied("Authentication credentials were not provided.")
                if name == "upload":
                    # The permission class is the first to touch request.data.
                    if req.form_error:
                        raise req.form_error
                    kind = "reimport" if req.path == "/api/v2/reimport-scan/" else "import"
                    body = self.dojo.upload(kind, req.method, auth.user, req.form)
                    return json_response(201, body, allow)
                if name == "reports":
                    return reply_response(self.reports.handle(req, auth.user))
                if req.method not in methods and not (req.method == "HEAD" and "GET" in methods):
                    raise detail_error(405, f'Method "{req.method}" not allowed.')
                return getattr(self, name)(req, auth.user, allow)
            except ApiError as e:
                return json_response(e.status, e.body, allow)
            except Exception:  # as Django would: log it, answer 500
                log("request failed:\n" + traceback.format_exc().rstrip())
                return json_response(500, server_error().body, allow)
            finally:
                # No transaction spans a request: whatever was written stays,
                # as DefectDojo keeps what it created before a failure.
                self.store.db.commit()

    def root(self, req, user, allow):
        base = req.base_url()
        return json_response(200, {n: f"{base}/api/v2/{n}/" for n in self.schema.collections}, allow)

    def openapi(self, req, user, allow):
        return Response(200, self.schema.raw, "application/vnd.oai.openapi+json", allow,
                        recorded=f"<{len(self.schema.raw)} bytes omitted>")

    def profile(self, req, user, allow):
        role = ROLES[user["role"]]
        return json_response(200, {
            "user": {"id": user["id"], "username": user["username"], "first_name": "", "last_name": "",
                     "email": "", "date_joined": user["date_joined"], "last_login": None, "is_active": True,
                     "is_superuser": user["role"] == "superuser", "token_last_reset": None,
                     "password_last_reset": None, "configuration_permissions": []},
            "user_contact_info": None,
            "global_role": None if role is None else {"id": user["id"], "user": user["id"], "group": None,
                                                      "role": role},
            "dojo_group_member": [], "product_type_member": [], "product_member": [],
        }, allow)

    def test_types(self, req, user, allow):
        """DRF LimitOffsetPagination over the spec's scan types (PAGE_SIZE 25)."""
        query = urllib.parse.parse_qs(req.query, keep_blank_values=True)
        last = {k: v[-1] for k, v in query.items()}  # as QueryDict.get
        limit = positive_int(last.get("limit"), strict=True) or 25
        offset = positive_int(last.get("offset"), strict=False) or 0
        items = [{"id": i + 1, "name": n, "active": True} for i, n in enumerate(self.schema.scan_types)]
        if "name" in last:
            items = [t for t in items if t["name"] == last["name"]]
        url = req.base_url() + req.path + ("?" + req.query if req.query else "")

        def page_url(new_offset):
            q = dict(query, limit=[str(limit)])
            if new_offset:
                q["offset"] = [str(new_offset)]
            else:
                q.pop("offset", None)
            return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(
                query=urllib.parse.urlencode(sorted(q.items()), doseq=True)))

        return json_response(200, {
            "count": len(items),
            "next": page_url(offset + limit) if offset + limit < len(items) else None,
            "previous": None if offset <= 0 else page_url(max(offset - limit, 0)),
            "results": items[offset:offset + limit],
        }, allow)

    def control(self, req):
        if req.method != "POST":
            return json_response(405, {"error": "use POST"})
        try:
            order = json.loads(bytes(req.body) or b"{}")
            reports = order.pop("report_builder", {}) if isinstance(order, dict) else {}
            if isinstance(order, dict) and order.get("reset") == "all":
                reports = dict(reports, reset=True) if isinstance(reports, dict) else reports
            with self.lock:
                knobs = self.reports.control(reports)
            return json_response(200, {"ok": True, "faults": self.faults.control(order),
                                       "report_builder": knobs})
        except ValueError as e:
            return json_response(400, {"ok": False, "error": str(e)})

    def state(self):
        with self.lock:
            dump = self.store.dump()
            dump["report_builder"] = self.reports.dump()
        dump["faults"] = self.faults.snapshot()
        return json_response(200, dump)


def reply_response(reply):
    """A reportbuilder.Reply as a Response."""
    if reply.obj is not None:
        return json_response(reply.status, reply.obj, reply.headers)
    response = Response(reply.status, reply.body, reply.content_type, reply.headers,
                        recorded=f"<{len(reply.body)} bytes omitted>" if reply.body else "", close=reply.close)
    response.length = reply.length
    return response


def positive_int(value, strict):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return None if n < 0 or (strict and n == 0) else n


class Request:
    def __init__(self, method, target, headers):
        parts = urllib.parse.urlsplit(target)
        self.method, self.path, self.query = method, parts.path, parts.query
        self.headers = headers
        self.body = b""
        self.form = Form()
        self.form_error = None

    def read_form(self):
        """Parse the body once: the app needs it for uploads, the record for all."""
        try:
            self.form = parse_form(self.headers.get("Content-Type"), self.body)
        except ApiError as e:
            self.form_error = e

    def base_url(self):
        return "http://" + (self.headers.get("Host") or "localhost")


class Recorder:
    """The --record file: one JSON object per request, flushed at once."""

    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8") if path else None
        self.lock = threading.Lock()
        self.seq = 0

    def write(self, req, auth, form, status, recorded, fault):
        if self.file is None or req.path.startswith("/__fakedojo__/"):
            return  # the control endpoints belong to the test, not to the client under test
        headers = {}
        for name, value in req.headers.items():
            name = name.lower()
            if name == "authorization":
                value = auth.shown
            headers[name] = value if name not in headers else f"{headers[name]}, {value}"
        fields = collapse(form.fields)
        files = collapse((name, {"filename": f.filename, "size": f.size, "sha256": f.sha256(),
                                 "content_type": f.content_type}) for name, f in form.files)
        with self.lock:
            self.seq += 1
            line = {"seq": self.seq, "time": utc_now_iso(), "method": req.method, "path": req.path,
                    "query": req.query, "headers": headers, "auth": auth.state,
                    "content_type": req.headers.get("Content-Type"), "fields": fields, "files": files,
                    "status": status, "response": recorded, "fault": fault}
            if form.invalid_utf8:
                # Parts whose raw bytes were not UTF-8 (shown above with U+FFFD).
                line["invalid_utf8"] = form.invalid_utf8
            self.file.write(json.dumps(line, ensure_ascii=False) + "\n")
            self.file.flush()


def collapse(pairs):
    """{name: value}, or {name: [values]} for a name sent more than once."""
    grouped = collections.defaultdict(list)
    for name, value in pairs:
        grouped[name].append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # a stalled client cannot hold a thread for ever
    # nginx in front of DefectDojo sets TCP_NODELAY on keep-alive connections.
    # Without it the body, written after the headers, waits for the client's
    # delayed ACK (40 ms) on every request of a client that keeps its
    # connection open, and only of such a client.
    disable_nagle_algorithm = True

    def version_string(self):
        return "nginx"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            log(f"{self.address_string()} {fmt % args}")

    def handle_expect_100(self):
        # nginx answers an oversized upload at once instead of inviting the body.
        length = self.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > self.server.proxy_max_body:
            return True
        return super().handle_expect_100()

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def serve(self):
        app = self.server.app
        req = Request(self.command, self.path, self.headers)
        is_control = req.path.startswith("/__fakedojo__/")
        auth = Auth("missing", None) if is_control else app.authenticate(self.headers.get("Authorization"))
        body = self.receive(req, auth)
        if body is None:
            return
        req.body = body
        try:
            if is_control:
                self.send(app.handle(req, auth))
            else:
                req.read_form()
                self.answer(req, auth)
        finally:
            if isinstance(body, mmap.mmap):
                body.close()

    def receive(self, req, auth):
        """nginx's part: a Content-Length is required on requests that carry a
        body, and one over the proxy limit is refused before it is read."""
        if self.headers.get("Transfer-Encoding") or (
                self.headers.get("Content-Length") is None and self.command in ("POST", "PUT", "PATCH")):
            self.finish_early(req, auth, nginx_response(411, close=True))
            return None
        length = self.headers.get("Content-Length", "0").strip()
        if not length.isdigit():
            self.finish_early(req, auth, nginx_response(400, close=True))
            return None
        length = int(length)
        if length > self.server.proxy_max_body:
            self.finish_early(req, auth, nginx_response(413, close=True))
            self.drain(length)
            return None
        try:
            return read_body(self.rfile, length)
        except (OSError, EOFError):
            self.close_connection = True  # the client went away mid-body
            return None

    def finish_early(self, req, auth, response):
        self.server.recorder.write(req, auth, Form(), response.status, response.recorded, None)
        self.send(response)

    def drain(self, length):
        """Read and discard what the client still sends, briefly, so it sees
        the 413 rather than a reset."""
        deadline = time.monotonic() + 5
        try:
            self.connection.settimeout(1)
            while length > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read1(min(length, 1 << 20))
                if not chunk:
                    break
                length -= len(chunk)
        except OSError:
            pass

    def answer(self, req, auth):
        srv = self.server
        is_upload = req.path.rstrip("/") in UPLOAD_PATHS and req.method == "POST"
        fault = srv.app.faults.pick(is_upload)
        delay = srv.app.faults.slow + fault.get("slow", 0)
        if delay:
            time.sleep(delay)
        # A status or reset fault stands in for the application unless the
        # fault says the request is processed first ("process": true).
        response = None
        if fault.get("process") or not ("status" in fault or fault.get("reset")
                                        or "huge" in fault or "trickle" in fault):
            response = srv.app.handle(req, auth)
        label = describe_fault(fault)
        if "huge" in fault or "trickle" in fault:
            srv.recorder.write(req, auth, req.form, fault.get("status", 201), None, label)
            self.stream_garbage(fault)
            return
        if fault.get("reset"):
            srv.recorder.write(req, auth, req.form, None, None, label)
            self.reset()
            return
        if "status" in fault:
            response = fault_response(fault)
        srv.recorder.write(req, auth, req.form, response.status, response.recorded, label)
        self.send(response)

    def send(self, response):
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        # A report download may announce more than it sends (a cut transfer).
        self.send_header("Content-Length", str(getattr(response, "length", None) or len(response.body)))
        if response.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def stream_garbage(self, fault):
        """The "huge" and "trickle" faults: an answer that never ends in
        practice, written lazily until the client hangs up."""
        self.close_connection = True
        status = fault.get("status", 201)
        total = fault["huge"] if "huge" in fault else 10 ** 9
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        sent = 0
        try:
            self.wfile.flush()
            if "huge" in fault:
                chunk = b"[" * 65536
                while sent < total:
                    n = min(len(chunk), total - sent)
                    self.wfile.write(chunk[:n])
                    sent += n
                log(f"fault huge: sent all {total} bytes")
            else:
                limit = None if fault["trickle"] is True else fault["trickle"]
                start = time.monotonic()
                while sent < total and (limit is None or time.monotonic() - start < limit):
                    self.wfile.write(b"[")
                    self.wfile.flush()
                    sent += 1
                    time.sleep(1)
                log(f"fault trickle: stopped after {sent} bytes")
        except OSError:
            log(f"fault {'huge' if 'huge' in fault else 'trickle'}: client hung up after {sent} of {total} bytes")

    def reset(self):
        """Drop the connection with a TCP reset and no answer at all."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()
        self.wfile.close()
        self.connection.close()


def describe_fault(fault):
    if not fault:
        return None
    return ",".join(f"{k}:{v}" if v is not True else k for k, v in fault.items() if k != "body")


def fault_response(fault):
    status = fault["status"]
    if "body" in fault:
        body = fault["body"]
        if isinstance(body, str):
            return Response(status, body.encode(), fault.get("content_type", "text/html"),
                            {"Location": fault["location"]} if "location" in fault else None, recorded=body)
        return json_response(status, body, {"Location": fault["location"]} if "location" in fault else None)
    if "location" in fault:
        return Response(status, b"", "text/html; charset=utf-8", {"Location": fault["location"]}, recorded="")
    if status == 500:
        return json_response(500, server_error().body)
    if status in NGINX_TITLES or status >= 500:
        return nginx_response(status)
    return json_response(status, {"detail": reason(status)})


def read_body(rfile, length):
    """The whole body, in memory when small, else in an anonymous temporary
    file mapped into memory; both allow find() and slicing."""
    if length <= SPOOL_THRESHOLD:
        data = rfile.read(length)
        if len(data) != length:
            raise EOFError
        return data
    with tempfile.TemporaryFile() as spool:
        remaining = length
        while remaining:
            chunk = rfile.read(min(remaining, 1 << 20))
            if not chunk:
                raise EOFError
            spool.write(chunk)
            remaining -= len(chunk)
        spool.flush()
        return mmap.mmap(spool.fileno(), length, access=mmap.ACCESS_READ)


class Server(ThreadingHTTPServer):
    def __init__(self, address, app, recorder, proxy_max_body, verbose, tls=None):
        super().__init__(address, Handler)
        self.app = app
        self.recorder = recorder
        self.proxy_max_body = proxy_max_body
        self.verbose = verbose
        self.tls = tls  # an ssl.SSLContext, or None for plain HTTP

    def finish_request(self, request, client_address):
        if self.tls is not None:
            # The handshake happens here, in the request's own thread.
            request.settimeout(10)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as e:
                log(f"TLS handshake failed: {e}")
                return
            request.settimeout(None)
        super().finish_request(request, client_address)


# ---------------------------------------------------------------------------
# Command line.

def read_tokens(path):
    tokens = []
    if path:
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                words = line.split()
                if not words or words[0].startswith("#"):
                    continue
                role = words[1] if len(words) > 1 else "superuser"
                if len(words) > 2 or role not in ROLES:
                    raise SystemExit(f"fakedojo: {path}:{lineno}: expected 'TOKEN [superuser|api_importer|reader]'")
                tokens.append((words[0], role))
    if os.environ.get("FAKEDOJO_TOKEN", "").strip():
        tokens.append((os.environ["FAKEDOJO_TOKEN"].strip(), "superuser"))
    return tokens


def write_port_file(path, port):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w", encoding="ascii") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def serve(args):
    schema = Schema(SPEC_PATH)
    store = Store(args.db)
    store.set_tokens(read_tokens(args.token_file))
    if store.one("SELECT COUNT(*) AS n FROM users WHERE token_sha256 IS NOT NULL")["n"] == 0:
        log("warning: no API token configured; every API request will get a 403")
    faults = Faults(args.fail_rate, args.reset_rate, args.slow, args.refuse_token, args.seed)
    dojo = Dojo(schema, store, args.today, args.max_file_size_mb)
    tls = None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            raise SystemExit("fakedojo: --tls-cert and --tls-key go together")
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    server = Server((args.host, args.port), App(schema, store, dojo, faults), Recorder(args.record),
                    args.proxy_max_body_mb * 1024 * 1024, args.verbose, tls)
    port = server.server_address[1]

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    # serve_forever runs in a thread so that the signal handler only has to
    # set an event; shutdown() from inside the loop's own thread would hang.
    thread = threading.Thread(target=server.serve_forever, name="fakedojo", daemon=True)
    thread.start()
    if args.port_file:
        write_port_file(args.port_file, port)
    log(f"DefectDojo {schema.version} stand-in listening on {'https' if tls else 'http'}://{args.host}:{port}/")
    stop.wait()
    server.shutdown()
    server.server_close()
    with server.app.lock:
        store.db.commit()
        store.db.close()
    if args.port_file:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(args.port_file)
    return 0


def helper_request(args, method, path, body=None):
    url = f"{'https' if args.tls else 'http'}://{args.host}:{args.port}{path}"
    req = urllib.request.Request(url, data=body, method=method,
                                 headers={"Content-Type": "application/json"} if body is not None else {})
    context = ssl._create_unverified_context() if args.tls else None
    try:
        with urllib.request.urlopen(req, timeout=args.timeout, context=context) as resp:
            status, text = resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as e:
        print(f"fakedojo: {url}: {getattr(e, 'reason', e)}", file=sys.stderr)
        return 2
    try:
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        pass
    print(text)
    return 0 if status == 200 else 1


def cmd_ctl(args):
    try:
        json.loads(args.json)
    except ValueError as e:
        print(f"fakedojo: ctl: not JSON: {e}", file=sys.stderr)
        return 2
    return helper_request(args, "POST", "/__fakedojo__/control", args.json.encode("utf-8"))


def cmd_state(args):
    return helper_request(args, "GET", "/__fakedojo__/state")


def rate(text):
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be from 0 to 1")
    return value


def non_negative(kind):
    def convert(text):
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError("must not be negative")
        return value
    return convert


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from None


def build_parser():
    parser = argparse.ArgumentParser(
        prog="fakedojo.py",
        description="A stand-in DefectDojo 2.57.2 server for tests: import-scan, reimport-scan, "
                    "user_profile, test_types, the API root and the OpenAPI schema, with state in "
                    "SQLite, a request record and injectable faults.  Without a subcommand it serves.",
        epilog="Control: POST /__fakedojo__/control with JSON such as "
               '{"next": [{"status": 502}, {"reset": true}, {"slow": 3}]}, {"refuse_token": true}, '
               '{"fail_rate": 0.2} or {"reset": "all"}; GET /__fakedojo__/state dumps the stored '
               "objects.  See README.md.")
    sub = parser.add_subparsers(dest="command", metavar="{ctl,state}")
    server = parser.add_argument_group("server options")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default 0)")
    server.add_argument("--port-file", metavar="FILE",
                        help="write the port there once listening (atomically), remove it at exit")
    server.add_argument("--db", metavar="FILE", help="SQLite file for the state (default: in memory)")
    server.add_argument("--record", metavar="FILE", help="append one JSON line per request received")
    server.add_argument("--token-file", metavar="FILE",
                        help="accepted tokens, one per line: TOKEN [superuser|api_importer|reader]; "
                             "the environment variable FAKEDOJO_TOKEN adds one superuser token")
    server.add_argument("--today", type=iso_date,
                        default=datetime.datetime.now(datetime.timezone.utc).date(),
                        help="the server's local date, YYYY-MM-DD (default: today in UTC)")
    server.add_argument("--max-file-size-mb", type=non_negative(int), default=100, metavar="MB",
                        help="report size above which the serializer answers 400 (default 100)")
    server.add_argument("--proxy-max-body-mb", type=non_negative(int), default=800, metavar="MB",
                        help="body size above which the proxy answers 413, unread (default 800)")
    server.add_argument("--fail-rate", type=rate, default=0.0, metavar="R",
                        help="share 0..1 of uploads answered with a 502 or 503 page (default 0)")
    server.add_argument("--reset-rate", type=rate, default=0.0, metavar="R",
                        help="share 0..1 of API requests whose connection is reset unanswered (default 0)")
    server.add_argument("--slow", type=non_negative(float), default=0.0, metavar="SECONDS",
                        help="sleep this long before answering every API request (default 0)")
    server.add_argument("--refuse-token", action="store_true",
                        help='answer every token with 403 {"detail":"Invalid token."}')
    server.add_argument("--seed", type=int, help="seed for the fault randomness")
    server.add_argument("--verbose", action="store_true", help="log each request to stderr")
    server.add_argument("--tls-cert", metavar="FILE", help="serve HTTPS with this PEM certificate (chain)")
    server.add_argument("--tls-key", metavar="FILE", help="the PEM private key of --tls-cert")

    for name, text in (("ctl", "send a JSON control request to a running server and print the answer"),
                       ("state", "print the state dump of a running server")):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--host", default="127.0.0.1", help="server address (default 127.0.0.1)")
        p.add_argument("--port", type=int, required=True, help="server port")
        p.add_argument("--timeout", type=float, default=10.0, help="seconds to wait (default 10)")
        p.add_argument("--tls", action="store_true", help="the server speaks HTTPS (its certificate is not checked)")
        if name == "ctl":
            p.add_argument("json", help="the control request, a JSON object")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "ctl":
        return cmd_ctl(args)
    if args.command == "state":
        return cmd_state(args)
    return serve(args)


if __name__ == "__main__":
    sys.exit(main())
