"""The ``json`` exporter: the versioned document the API returns, for machines."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs

from ..evidence import Analysis
from ..results import SCHEMA_VERSION
from .base import Exporter, UnsupportedDocument


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(datetime.date, datetime.date.isoformat)
    converter.register_unstructure_hook(Mapping, lambda m: {k: converter.unstructure(v) for k, v in m.items()})

    def analysis(a: Analysis) -> dict[str, Any]:  # its content is read through properties (it may be deferred)
        head = {"kind": a.kind, "evidence": a.evidence, "title": a.title, "status": a.status, "date": a.date}
        data: dict[str, Any] = converter.unstructure(head) | converter.unstructure(a.content)
        return data

    converter.register_unstructure_hook(Analysis, analysis)
    return converter


_converter = _make_converter()


def to_data(document: object) -> Any:
    """Plain JSON-able data for a document (attrs classes become objects with their field order)."""
    if not attrs.has(type(document)):
        raise UnsupportedDocument(f"the json exporter cannot render {type(document).__name__}")
    data = _converter.unstructure(document)
    kind = getattr(type(document), "document_kind", None)
    if kind is not None and isinstance(data, dict):
        # The schema version and the kind lead, so a reader sees them before anything it may not
        # understand.
        data = {"schema_version": data.pop("schema_version", SCHEMA_VERSION), "kind": kind, **data}
    return data


def render_json(document: object) -> str:
    """The document as indented JSON (UTF-8 text; non-ASCII kept as it is)."""
    return json.dumps(to_data(document), indent=2, ensure_ascii=False) + "\n"


JSON_EXPORTER = Exporter(
    name="json",
    description="versioned JSON: the same document the Python API returns",
    suffix=".json",
    render=render_json,
    machine_readable=True,
)
