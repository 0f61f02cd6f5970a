"""reportbuilder: DefectDojo Pro's Report Builder API for fakedojo.

The resources the Pro documentation describes (reference/dojo-api.md §7):
/api/v2/report_themes/, /report_blocks/ (with field_options/, preview/,
{id}/preview/, {id}/duplicate/), /report_templates/ (with {id}/duplicate/) and
/generated_reports/ (with {id}/download/), JSON in and out, paginated with
limit and offset, kept in fakedojo's SQLite file.  It keeps the traps of the
real thing: a filter whose field is not a GET parameter of the model's list
endpoint in the OpenAPI document is dropped without a word, a list given to
severity keeps its first value, a PATCH with filter_entries replaces the whole
list, template_blocks is read-only and template_blocks_write is what is
written.  A generated report goes pending -> processing -> completed (or
failed, with error_message) as time passes; its download answers 404 until it
is completed, then a small valid PDF or an HTML page as an attachment.

fakedojo.py routes every request under those paths here (after
authentication), and adds this module's state and knobs to its own control
and state endpoints: see README.md beside this file.  Standard library only.
"""

import datetime
import html
import json
import re
import time
import urllib.parse

COLLECTIONS = ("report_themes", "report_blocks", "report_templates", "generated_reports")
PREFIX = "/api/v2/"
PAGE_SIZE = 25  # DefectDojo's REST_FRAMEWORK PAGE_SIZE

# The list endpoint whose GET parameters are a model's filters.
MODEL_ENDPOINTS = {
    "finding": "/api/v2/findings/",
    "test": "/api/v2/tests/",
    "engagement": "/api/v2/engagements/",
    "asset": "/api/v2/assets/",  # formerly products
    "organization": "/api/v2/organizations/",  # formerly product types
    "test_type": "/api/v2/test_types/",
    "risk_acceptance": "/api/v2/risk_acceptance/",
}
NOT_FILTERS = {"limit", "offset"}  # pagination, not a filter

BLOCK_TYPES = ("stock", "tabular", "detail")
STOCK_TYPES = ("cover_page", "table_of_contents", "page_break", "image", "text_block")
FILE_FORMATS = ("pdf", "html")
THEME_DEFAULTS = {"primary_color": "#1e3a5f", "secondary_color": "#4a90a4", "accent_color": "#e67e22",
                  "text_color": "#333333", "background_color": "#ffffff", "footer_text": "",
                  "show_page_numbers": True}
COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")

# GET report_blocks/field_options/: (path, label, detail only) per model, and the orderings.
D = True
FIELDS = {
    "finding": [
        ("title", "Title", False), ("severity", "Severity", False), ("numerical_severity", "Numerical severity", False),
        ("date", "Date", False), ("age_days", "Age (days)", False), ("sla_days_remaining", "SLA days remaining", False),
        ("sla_expiration_date", "SLA expiration date", False), ("active", "Active", False),
        ("verified", "Verified", False), ("is_mitigated", "Mitigated", False), ("mitigated", "Mitigated on", False),
        ("false_p", "False positive", False), ("duplicate", "Duplicate", False),
        ("risk_accepted", "Risk accepted", False), ("out_of_scope", "Out of scope", False),
        ("cwe", "CWE", False), ("vulnerability_ids", "Vulnerability ids", False),
        ("epss_score", "EPSS score", False), ("known_exploited", "Known exploited", False),
        ("component_name", "Component", False), ("component_version", "Component version", False),
        ("file_path", "File path", False), ("line", "Line", False), ("found_by", "Found by", False),
        ("planned_remediation_date", "Planned remediation date", False),
        ("test__title", "Test", False), ("test__test_type__name", "Test type", False),
        ("test__engagement__name", "Engagement", False), ("test__engagement__product__name", "Asset", False),
        ("test__engagement__product__prod_type__name", "Organization", False), ("tags", "Tags", False),
        ("description", "Description", D), ("mitigation", "Mitigation", D), ("impact", "Impact", D),
        ("references", "References", D), ("steps_to_reproduce", "Steps to reproduce", D),
        ("severity_justification", "Severity justification", D),
    ],
    "asset": [
        ("name", "Name", False), ("organization__name", "Organization", False),
        ("business_criticality", "Business criticality", False), ("platform", "Platform", False),
        ("lifecycle", "Lifecycle", False), ("origin", "Origin", False),
        ("internet_accessible", "Internet accessible", False), ("external_audience", "External audience", False),
        ("findings_count", "Findings", False), ("tags", "Tags", False), ("created", "Created", False),
        ("description", "Description", D),
    ],
    "organization": [
        ("name", "Name", False), ("critical_asset", "Critical", False), ("key_asset", "Key", False),
        ("asset_count", "Assets", False), ("created", "Created", False), ("description", "Description", D),
    ],
    "engagement": [
        ("name", "Name", False), ("asset__name", "Asset", False), ("status", "Status", False),
        ("engagement_type", "Type", False), ("target_start", "Start", False), ("target_end", "End", False),
        ("lead__username", "Lead", False), ("version", "Version", False), ("description", "Description", D),
    ],
    "test": [
        ("title", "Title", False), ("test_type__name", "Test type", False), ("scan_type", "Scan type", False),
        ("engagement__name", "Engagement", False), ("engagement__asset__name", "Asset", False),
        ("target_start", "Start", False), ("target_end", "End", False), ("version", "Version", False),
        ("percent_complete", "Complete (%)", False), ("description", "Description", D),
    ],
    "test_type": [
        ("name", "Name", False), ("active", "Active", False), ("static_tool", "Static", False),
        ("dynamic_tool", "Dynamic", False),
    ],
    "risk_acceptance": [
        ("name", "Name", False), ("decision", "Decision", False), ("owner__username", "Owner", False),
        ("expiration_date", "Expires", False), ("accepted_findings_count", "Findings", False),
        ("recommendation", "Recommendation", False), ("decision_details", "Decision details", D),
        ("notes", "Notes", D),
    ],
}
ORDERING = {
    "finding": ["title", "severity", "numerical_severity", "date", "age_days", "sla_days_remaining",
                "sla_expiration_date", "cwe", "epss_score", "component_name", "file_path"],
    "asset": ["name", "business_criticality", "created", "findings_count"],
    "organization": ["name", "created", "asset_count"],
    "engagement": ["name", "target_start", "target_end", "status"],
    "test": ["title", "target_start", "target_end"],
    "test_type": ["name"],
    "risk_acceptance": ["name", "expiration_date", "decision"],
}

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS report_builder(
    kind TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY(kind, id));
"""


class Reply:
    """What fakedojo sends: a JSON value, or raw bytes.  `length`, when set,
    is the Content-Length announced (more than the body: a cut transfer)."""

    def __init__(self, status, obj=None, body=None, content_type=None, headers=None, length=None, close=False):
        self.status, self.obj, self.body = status, obj, body
        self.content_type, self.headers = content_type, headers or {}
        self.length, self.close = length, close


class Invalid(Exception):
    """Field errors, as a DRF serializer raises them."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def drf_repr(value):
    """str(ValidationError(detail)): the Python repr of nested ErrorDetails."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {drf_repr(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(drf_repr(v) for v in value) + "]"
    return f"ErrorDetail(string={value!r}, code='invalid')"


def minimal_pdf(title, lines):
    """A small valid PDF 1.4: catalog, pages, one page of Helvetica text,
    a cross-reference table with the true byte offsets, trailer, %%EOF."""
    def text(s):
        s = s.encode("latin-1", "replace").decode("latin-1")
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 18 Tf", "72 760 Td", f"({text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -20 Td", f"({text(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def html_page(title, lines):
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"</head>\n<body><h1>{html.escape(title)}</h1><ul>{items}</ul></body></html>\n").encode("utf-8")


class ReportBuilder:
    def __init__(self, spec_raw, db, pro):
        spec = json.loads(spec_raw)
        self.db = db
        self.pro = pro
        self.db.executescript(SCHEMA_SQL)
        self.db.commit()
        # Valid filter fields: the GET query parameters of each model's list endpoint.
        self.filters = {}
        for model, path in MODEL_ENDPOINTS.items():
            params = spec["paths"][path]["get"].get("parameters", [])
            self.filters[model] = {p["name"] for p in params if p.get("in") == "query"} - NOT_FILTERS
        self.reset_knobs()

    # -- knobs and introspection (through fakedojo's control and state endpoints)

    def reset_knobs(self):
        self.pending_s, self.processing_s = 0.2, 0.3
        self.next_reports = []  # per new report: {"fail": msg} and/or {"pending": s, "processing": s}
        self.next_downloads = []  # per download of a completed report: "truncate" or a status
        self.also_drop = set()  # filter fields dropped although the schema lists them
        self.writes = {"POST": 0, "PATCH": 0, "PUT": 0, "DELETE": 0}
        self.write_log = []

    def control(self, order):
        """Apply {"timings", "next_reports", "next_downloads", "also_drop", "reset", "wipe"};
        ValueError if bad."""
        if not isinstance(order, dict):
            raise ValueError('"report_builder" must be a JSON object')
        unknown = set(order) - {"timings", "next_reports", "next_downloads", "also_drop", "reset", "wipe"}
        if unknown:
            raise ValueError(f"unknown report_builder keys: {', '.join(sorted(unknown))}")
        timings = order.get("timings", {})
        if not isinstance(timings, dict) or set(timings) - {"pending", "processing"} or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 3600 for v in timings.values()):
            raise ValueError('"timings" must be {"pending": S, "processing": S}, seconds')
        reports = order.get("next_reports", [])
        if not isinstance(reports, list) or not all(
                isinstance(r, dict) and r and not set(r) - {"fail", "pending", "processing"} for r in reports):
            raise ValueError('"next_reports" must be a list of {"fail": MESSAGE, "pending": S, "processing": S}')
        downloads = order.get("next_downloads", [])
        if not isinstance(downloads, list) or not all(
                d == "truncate" or (isinstance(d, int) and 400 <= d <= 599) for d in downloads):
            raise ValueError('"next_downloads" must be a list of "truncate" or HTTP statuses')
        also_drop = order.get("also_drop", [])
        if not isinstance(also_drop, list) or not all(isinstance(f, str) for f in also_drop):
            raise ValueError('"also_drop" must be a list of filter field names')
        if order.get("reset"):
            self.reset_knobs()
        if "also_drop" in order:
            self.also_drop = set(also_drop)
        if order.get("wipe"):
            self.db.execute("DELETE FROM report_builder")
            self.db.commit()
        if "pending" in timings:
            self.pending_s = timings["pending"]
        if "processing" in timings:
            self.processing_s = timings["processing"]
        self.next_reports.extend(reports)
        self.next_downloads.extend(downloads)
        return self.knobs()

    def knobs(self):
        return {"timings": {"pending": self.pending_s, "processing": self.processing_s},
                "next_reports": list(self.next_reports), "next_downloads": list(self.next_downloads),
                "also_drop": sorted(self.also_drop)}

    def dump(self):
        out = {"writes": sum(self.writes.values()), "writes_by_method": dict(self.writes),
               "write_requests": list(self.write_log), "knobs": self.knobs()}
        for kind in COLLECTIONS:
            out[kind] = [self.render(kind, row) for row in self.rows(kind)]
        return out

    # -- storage: one JSON document per object

    def rows(self, kind):
        return [json.loads(r[0]) for r in
                self.db.execute("SELECT data FROM report_builder WHERE kind = ? ORDER BY id", (kind,))]

    def get(self, kind, pk):
        row = self.db.execute("SELECT data FROM report_builder WHERE kind = ? AND id = ?", (kind, pk)).fetchone()
        return json.loads(row[0]) if row else None

    def save(self, kind, obj):
        if "id" not in obj:
            row = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM report_builder WHERE kind = ?",
                                  (kind,)).fetchone()
            obj["id"] = row[0]
            obj["created"] = now_iso()
        obj["updated"] = now_iso()
        self.db.execute("INSERT OR REPLACE INTO report_builder(kind, id, data) VALUES (?,?,?)",
                        (kind, obj["id"], json.dumps(obj)))
        return obj

    def delete(self, kind, pk):
        self.db.execute("DELETE FROM report_builder WHERE kind = ? AND id = ?", (kind, pk))

    # -- routing

    @staticmethod
    def owns(path):
        if not path.startswith(PREFIX):
            return False
        parts = path[len(PREFIX):].split("/")
        return len(parts) >= 2 and parts[0] in COLLECTIONS and parts[-1] == ""

    def handle(self, req, user):
        """One request (fakedojo's Request) of an authenticated user: a Reply."""
        parts = req.path[len(PREFIX):].split("/")[:-1]
        kind, rest = parts[0], parts[1:]
        if req.method in self.writes:
            self.writes[req.method] += 1
            self.write_log.append({"method": req.method, "path": req.path, "body": self.body_for_log(req)})
            del self.write_log[:-500]
        try:
            if req.method not in ("GET", "HEAD", "OPTIONS") and user["role"] != "superuser":
                return Reply(403, {"detail": "You do not have permission to perform this action."})
            return self.route(req, kind, rest)
        except _Raw as e:
            return e.reply
        except Invalid as e:
            body = dict(e.errors)
            body["message"] = drf_repr(e.errors)
            body["pro"] = self.pro
            return Reply(400, body)

    def route(self, req, kind, rest):
        m = req.method
        if not rest:
            if m in ("GET", "HEAD"):
                return self.list(req, kind)
            if m == "POST":
                return self.create(kind, self.data(req))
            return self.not_allowed(m)
        if rest == ["field_options"] and kind == "report_blocks":
            return self.field_options() if m in ("GET", "HEAD") else self.not_allowed(m)
        if rest == ["preview"] and kind == "report_blocks":
            if m != "POST":
                return self.not_allowed(m)
            return Reply(200, self.preview(self.validate_block(self.data(req), None)))
        if not rest[0].isdigit() or len(rest) > 2:
            return self.not_found()
        obj = self.get(kind, int(rest[0]))
        if obj is None:
            return self.not_found()
        if len(rest) == 1:
            if m in ("GET", "HEAD"):
                return Reply(200, self.render(kind, obj))
            if m in ("PATCH", "PUT"):
                return self.update(kind, obj, self.data(req), partial=m == "PATCH")
            if m == "DELETE":
                self.remove(kind, obj)
                return Reply(204, body=b"")
            return self.not_allowed(m)
        action = rest[1]
        if action == "duplicate" and kind in ("report_blocks", "report_templates"):
            return self.duplicate(kind, obj) if m == "POST" else self.not_allowed(m)
        if action == "preview" and kind == "report_blocks":
            return Reply(200, self.preview(obj)) if m in ("GET", "POST") else self.not_allowed(m)
        if action == "download" and kind == "generated_reports":
            return self.download(obj) if m in ("GET", "HEAD") else self.not_allowed(m)
        return self.not_found()

    @staticmethod
    def not_found():
        return Reply(404, {"detail": "Not found."})

    @staticmethod
    def not_allowed(method):
        return Reply(405, {"detail": f'Method "{method}" not allowed.'})

    @staticmethod
    def body_for_log(req):
        try:
            return json.loads(bytes(req.body) or b"null")
        except ValueError:
            return f"<{len(req.body)} bytes, not JSON>"

    def data(self, req):
        """request.data: JSON (or a multipart form's text fields) as a dict."""
        ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        raw = bytes(req.body)
        if not raw:
            return {}
        if ctype == "application/json":
            try:
                value = json.loads(raw)
            except ValueError:
                # dojo/api_v2/exception_handler.py rewrites DRF's "JSON parse error".
                raise _Raw(Reply(400, {"message": "JSON request content is malformed"})) from None
            if not isinstance(value, dict):
                raise Invalid({"non_field_errors": [
                    f"Invalid data. Expected a dictionary, but got {type(value).__name__}."]})
            return value
        if ctype == "multipart/form-data" and req.form_error is None:
            return {name: value for name, value in req.form.fields}
        raise _Raw(Reply(415, {"detail": f'Unsupported media type "{req.headers.get("Content-Type", "")}" in request.'}))

    # -- lists

    def list(self, req, kind):
        """DRF LimitOffsetPagination: {count, next, previous, results}."""
        query = urllib.parse.parse_qs(req.query, keep_blank_values=True)
        last = {k: v[-1] for k, v in query.items()}

        def number(text, default, minimum):
            try:
                n = int(text)
            except (TypeError, ValueError):
                return default
            return n if n >= minimum else default

        limit = number(last.get("limit"), PAGE_SIZE, 1)
        offset = number(last.get("offset"), 0, 0)
        items = [self.render(kind, o) for o in self.rows(kind)]
        url = req.base_url() + req.path

        def page(new_offset):
            q = dict(query, limit=[str(limit)])
            if new_offset:
                q["offset"] = [str(new_offset)]
            else:
                q.pop("offset", None)
            return url + "?" + urllib.parse.urlencode(sorted(q.items()), doseq=True)

        return Reply(200, {"count": len(items),
                           "next": page(offset + limit) if offset + limit < len(items) else None,
                           "previous": page(max(offset - limit, 0)) if offset > 0 else None,
                           "results": items[offset:offset + limit]})

    def field_options(self):
        return Reply(200, {
            "fields": {model: [dict({"path": p, "label": label}, **({"detail_only": True} if detail else {}))
                               for p, label, detail in fields] for model, fields in FIELDS.items()},
            "ordering_fields": {model: list(paths) for model, paths in ORDERING.items()},
        })

    # -- validation (DRF serializers): errors are collected per field

    @staticmethod
    def text(data, key, errors, required=False, partial=False, max_length=None, allow_blank=True):
        if key not in data:
            if required and not partial:
                errors[key] = ["This field is required."]
            return None
        value = data[key]
        if value is None or isinstance(value, (bool, dict, list)):
            errors[key] = ["This field may not be null."] if value is None else ["Not a valid string."]
            return None
        value = str(value).strip()
        if not value and not allow_blank:
            errors[key] = ["This field may not be blank."]
        elif max_length and len(value) > max_length:
            errors[key] = [f"Ensure this field has no more than {max_length} characters."]
        return value

    @staticmethod
    def choice(data, key, choices, errors, required=False, partial=False):
        if key not in data:
            if required and not partial:
                errors[key] = ["This field is required."]
            return None
        if data[key] not in choices:
            errors[key] = [f'"{data[key]}" is not a valid choice.']
            return None
        return data[key]

    def pk(self, data, key, kind, errors, required=False, partial=False, allow_null=False):
        if key not in data:
            if required and not partial:
                errors[key] = ["This field is required."]
            return None
        value = data[key]
        if value is None and allow_null:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
            errors[key] = [f"Incorrect type. Expected pk value, received {type(value).__name__}."]
            return None
        if self.get(kind, int(value)) is None:
            errors[key] = [f'Invalid pk "{value}" - object does not exist.']
            return None
        return int(value)

    def validate_theme(self, data, obj, partial=False):
        errors, out = {}, {}
        name = self.text(data, "name", errors, required=True, partial=partial, max_length=255, allow_blank=False)
        if name is not None:
            out["name"] = name
        for key in ("primary_color", "secondary_color", "accent_color", "text_color", "background_color"):
            value = self.text(data, key, errors, max_length=7)
            if value is not None and key not in errors:
                if COLOR_RE.fullmatch(value):
                    out[key] = value
                else:
                    errors[key] = ["Enter a valid hex colour of 7 characters, such as #1e3a5f."]
        value = self.text(data, "footer_text", errors, max_length=500)
        if value is not None:
            out["footer_text"] = value
        if "show_page_numbers" in data:
            value = data["show_page_numbers"]
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
                value = value.lower() in ("true", "1", "yes")
            if isinstance(value, bool):
                out["show_page_numbers"] = value
            else:
                errors["show_page_numbers"] = ["Must be a valid boolean."]
        if errors:
            raise Invalid(errors)
        if obj is None:
            out = dict(THEME_DEFAULTS, **out)
        return out

    def validate_config(self, block_type, cfg):
        """The configuration object of a block: its errors as a dict."""
        errors, out = {}, {}
        if not isinstance(cfg, dict):
            return None, {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {type(cfg).__name__}."]}
        if block_type == "stock":
            out["stock_type"] = self.choice(cfg, "stock_type", STOCK_TYPES, errors, required=True)
            for key in ("title", "subtitle"):
                value = self.text(cfg, key, errors, max_length=255)
                out[key] = value or ""
            return out, errors
        model = self.choice(cfg, "model_choice", tuple(FIELDS), errors, required=True)
        fields = cfg.get("fields")
        if "fields" not in cfg:
            errors["fields"] = ["This field is required."]
        elif not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
            errors["fields"] = ["Expected a non-empty list of field paths."]
        elif model:
            known = {p: detail for p, _, detail in FIELDS[model]}
            bad = [f'"{f}" is not a field of {model}.' for f in fields if f not in known]
            bad += [f'"{f}" can only be shown in a detail block.' for f in fields
                    if known.get(f) and block_type == "tabular"]
            if bad:
                errors["fields"] = bad
        ordering = self.text(cfg, "ordering", errors, max_length=255)
        if ordering and model and ordering.lstrip("-") not in ORDERING[model]:
            errors["ordering"] = [f'"{ordering}" is not a valid ordering for {model}.']
        out.update(model_choice=model, fields=fields, ordering=ordering or "")
        return out, errors

    def validate_filters(self, model, entries, errors):
        """filter_entries: the stored list.  Unknown fields are dropped without
        a word, and severity keeps only the first of several values."""
        if not isinstance(entries, list):
            errors["filter_entries"] = ['Expected a list of items but got type "%s".' % type(entries).__name__]
            return None
        item_errors, kept = [], []
        for entry in entries:
            problems = {}
            if not isinstance(entry, dict):
                item_errors.append({"non_field_errors": ["Invalid data. Expected a dictionary."]})
                continue
            field = self.text(entry, "field", problems, required=True, allow_blank=False, max_length=255)
            value = self.text(entry, "value", problems, required=True, max_length=1000)
            item_errors.append(problems)
            if problems:
                continue
            if model is None or field not in self.filters.get(model, ()) or field in self.also_drop:
                continue  # the trap: gone, no error
            if field == "severity" and "," in value:
                value = value.split(",")[0].strip()
            kept.append({"field": field, "value": value})
        if any(item_errors):
            errors["filter_entries"] = item_errors
            return None
        return kept

    def validate_block(self, data, obj, partial=False):
        errors, out = {}, {}
        name = self.text(data, "name", errors, required=True, partial=partial, max_length=255, allow_blank=False)
        if name is not None:
            out["name"] = name
        block_type = self.choice(data, "block_type", BLOCK_TYPES, errors, required=True, partial=partial)
        if block_type is None and obj is not None and "block_type" not in errors:
            block_type = obj["block_type"]
        if block_type is not None:
            out["block_type"] = block_type
        header = self.text(data, "header", errors, max_length=255)
        if header is not None:
            out["header"] = header
        config_key = f"{block_type}_configuration" if block_type else None
        model = None
        if block_type:
            if config_key in data:
                cfg, problems = self.validate_config(block_type, data[config_key])
                if problems:
                    errors[config_key] = problems
                else:
                    out[config_key] = cfg
                    model = cfg.get("model_choice")
            elif obj is None or obj.get("block_type") != block_type or not obj.get(config_key):
                errors[config_key] = [f"This field is required for {block_type} blocks."]
            else:
                model = obj[config_key].get("model_choice")
        if "filter_entries" in data and block_type in ("tabular", "detail"):
            kept = self.validate_filters(model, data["filter_entries"], errors)
            if kept is not None:
                out["filter_entries"] = kept  # replaces the list: there is no merge
        elif obj is None or block_type == "stock":
            out["filter_entries"] = []
        if errors:
            raise Invalid(errors)
        if obj is None:
            out.setdefault("header", "")
        if block_type:
            for other in BLOCK_TYPES:
                if other != block_type:
                    out[f"{other}_configuration"] = None
        return out

    def validate_template(self, data, obj, partial=False):
        errors, out = {}, {}
        name = self.text(data, "name", errors, required=True, partial=partial, max_length=255, allow_blank=False)
        if name is not None:
            out["name"] = name
        description = self.text(data, "description", errors, max_length=2000)
        if description is not None:
            out["description"] = description
        if "theme_id" in data:
            theme = self.pk(data, "theme_id", "report_themes", errors, allow_null=True)
            if "theme_id" not in errors:
                out["theme_id"] = theme
        # template_blocks is read-only: DRF ignores it; template_blocks_write is what is written.
        if "template_blocks_write" in data:
            entries = data["template_blocks_write"]
            if not isinstance(entries, list):
                errors["template_blocks_write"] = ['Expected a list of items but got type "%s".'
                                                   % type(entries).__name__]
            else:
                item_errors, rows = [], []
                for entry in entries:
                    problems = {}
                    if not isinstance(entry, dict):
                        item_errors.append({"non_field_errors": ["Invalid data. Expected a dictionary."]})
                        continue
                    order = entry.get("order")
                    if "order" not in entry:
                        problems["order"] = ["This field is required."]
                    elif isinstance(order, bool) or not isinstance(order, int):
                        problems["order"] = ["A valid integer is required."]
                    block = self.pk(entry, "block_id", "report_blocks", problems, required=True)
                    item_errors.append(problems)
                    if not problems:
                        rows.append((order, block))
                if any(item_errors):
                    errors["template_blocks_write"] = item_errors
                else:
                    out["blocks"] = [{"order": o, "block_id": b} for o, b in sorted(rows, key=lambda r: r[0])]
        if errors:
            raise Invalid(errors)
        if obj is None:
            out.setdefault("description", "")
            out.setdefault("theme_id", None)
            out.setdefault("blocks", [])
        return out

    def validate_generated(self, data):
        errors = {}
        template = self.pk(data, "template_id", "report_templates", errors, required=True)
        file_format = self.choice(data, "file_format", FILE_FORMATS, errors, required=True)
        if errors:
            raise Invalid(errors)
        return template, file_format

    # -- create, update, delete, duplicate

    def create(self, kind, data):
        if kind == "report_themes":
            obj = self.validate_theme(data, None)
        elif kind == "report_blocks":
            obj = self.validate_block(data, None)
        elif kind == "report_templates":
            obj = self.validate_template(data, None)
        else:
            return self.start_report(data)
        return Reply(201, self.render(kind, self.save(kind, obj)))

    def update(self, kind, obj, data, partial):
        if kind == "report_themes":
            obj.update(self.validate_theme(data, obj, partial))
        elif kind == "report_blocks":
            obj.update(self.validate_block(data, obj, partial))
        elif kind == "report_templates":
            obj.update(self.validate_template(data, obj, partial))
        # A generated report has no writable field.
        return Reply(200, self.render(kind, self.save(kind, obj)))

    def remove(self, kind, obj):
        self.delete(kind, obj["id"])
        if kind in ("report_themes", "report_blocks"):
            for template in self.rows("report_templates"):
                if kind == "report_themes" and template["theme_id"] == obj["id"]:
                    template["theme_id"] = None
                elif kind == "report_blocks":
                    template["blocks"] = [b for b in template["blocks"] if b["block_id"] != obj["id"]]
                else:
                    continue
                self.save("report_templates", template)

    def duplicate(self, kind, obj):
        copy = {k: v for k, v in obj.items() if k not in ("id", "created", "updated")}
        copy["name"] = f"Copy of {obj['name']}"[:255]
        return Reply(201, self.render(kind, self.save(kind, copy)))

    # -- previews, generated reports

    def preview(self, block):
        name = html.escape(block.get("name", ""))
        cfg = block.get(f"{block.get('block_type')}_configuration") or {}
        heads = "".join(f"<th>{html.escape(f)}</th>" for f in cfg.get("fields") or [])
        body = (f"<table><thead><tr>{heads}</tr></thead><tbody></tbody></table>" if heads
                else f"<h1>{html.escape(cfg.get('title') or name)}</h1>")
        # No findings, assets... live here: every preview has no rows.
        return {"html": f"<section class=\"report-block\"><h2>{name}</h2>{body}</section>", "row_count": 0}

    def start_report(self, data):
        template_id, file_format = self.validate_generated(data)
        plan = self.next_reports.pop(0) if self.next_reports else {}
        template = self.get("report_templates", template_id)
        obj = {"template_id": template_id, "template_name": template["name"], "file_format": file_format,
               "started_at": time.time(), "pending_s": plan.get("pending", self.pending_s),
               "processing_s": plan.get("processing", self.processing_s), "fail": plan.get("fail")}
        return Reply(201, self.render("generated_reports", self.save("generated_reports", obj)))

    @staticmethod
    def status_of(obj):
        elapsed = time.time() - obj["started_at"]
        if elapsed < obj["pending_s"]:
            return "pending"
        if elapsed < obj["pending_s"] + obj["processing_s"]:
            return "processing"
        return "failed" if obj.get("fail") else "completed"

    def content(self, obj):
        title = obj["template_name"]
        lines = [f"Generated report {obj['id']} of template {obj['template_id']}",
                 f"Created {obj['created']}", "No findings matched."]
        if obj["file_format"] == "pdf":
            return minimal_pdf(title, lines), "application/pdf"
        return html_page(title, lines), "text/html; charset=utf-8"

    def download(self, obj):
        if self.status_of(obj) != "completed":
            return self.not_found()  # until it is done, as in DefectDojo Pro
        body, ctype = self.content(obj)
        # The name is the server's own, unsanitised: a client must not trust it.
        filename = f"{obj['template_name']}_{obj['id']}.{obj['file_format']}"
        headers = {"Content-Disposition": 'attachment; filename="%s"' % filename.replace('"', "'")}
        fault = self.next_downloads.pop(0) if self.next_downloads else None
        if fault == "truncate":
            # Announce the whole file, send half of it, hang up.
            return Reply(200, body=body[:len(body) // 2], content_type=ctype, headers=headers,
                         length=len(body), close=True)
        if isinstance(fault, int):
            if fault == 500:
                return Reply(500, {"message": "Internal server error, check logs for details", "pro": self.pro})
            return Reply(fault, {"detail": "Injected failure."})
        return Reply(200, body=body, content_type=ctype, headers=headers)

    # -- what the API shows

    def render(self, kind, obj):
        if kind == "report_themes":
            return {k: obj.get(k) for k in ("id", "name", "primary_color", "secondary_color", "accent_color",
                                            "text_color", "background_color", "footer_text", "show_page_numbers",
                                            "created", "updated")} | {"header_image": None, "footer_image": None}
        if kind == "report_blocks":
            return {k: obj.get(k) for k in ("id", "name", "block_type", "header", "stock_configuration",
                                            "tabular_configuration", "detail_configuration", "filter_entries",
                                            "created", "updated")}
        if kind == "report_templates":
            theme = self.get("report_themes", obj["theme_id"]) if obj.get("theme_id") else None
            blocks = []
            for i, entry in enumerate(obj.get("blocks", []), 1):
                block = self.get("report_blocks", entry["block_id"]) or {}
                blocks.append({"id": obj["id"] * 1000 + i, "order": entry["order"], "block_id": entry["block_id"],
                               "block_name": block.get("name"), "block_type": block.get("block_type")})
            return {"id": obj["id"], "name": obj["name"], "description": obj.get("description", ""),
                    "theme_id": obj.get("theme_id"), "theme_name": theme["name"] if theme else None,
                    "template_blocks": blocks, "created": obj["created"], "updated": obj["updated"]}
        status = self.status_of(obj)
        done = obj["started_at"] + obj["pending_s"] + obj["processing_s"]
        when = datetime.datetime.fromtimestamp(done, datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        return {"id": obj["id"], "template_id": obj["template_id"], "template_name": obj["template_name"],
                "file_format": obj["file_format"], "status": status,
                "error_message": obj.get("fail") if status == "failed" else None,
                "created": obj["created"], "completed": when if status in ("completed", "failed") else None,
                "file_name": (f"{obj['template_name']}_{obj['id']}.{obj['file_format']}"
                              if status == "completed" else None)}


class _Raw(Exception):
    """A finished answer raised from deep inside (a body DRF refuses to parse)."""

    def __init__(self, reply):
        super().__init__(reply.status)
        self.reply = reply
