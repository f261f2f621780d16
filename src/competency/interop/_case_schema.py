"""The CASE 1.1 package classes as a table, and a checker that normalises a package to them.

The table mirrors 1EdTech's official ``case-v1p1-cfpackage-schema.json`` (a test compares the two,
so it cannot drift). :func:`check_package` reads a parsed package, CASE 1.0 or 1.1, and returns a
clean 1.1 package and every problem found, each located by its JSON path (``CFItems[3].identifier``):

* errors: what the official 1.1 schema rejects and cannot be repaired (an identifier that is not a
  UUID, a missing required field, a value of the wrong type, a date that is no date);
* normalisations of CASE 1.0 (documented in docs/case.md), silent: ``CFPackageURI`` and
  ``CFDocumentURI`` that only repeat the package's own document are dropped, a string where 1.1 has
  an array becomes a one-element array, a date-time where 1.1 has a date keeps its date, ``null``
  means absent, 1.0's empty-array ``CFDefinitions`` is dropped;
* repairs, with a warning: fields CASE 1.1 does not define are kept under the object's
  ``extensions`` (CASE's own place for them), a date-time without RFC 3339's offset is read as UTC.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, Union

import attrs

from ..errors import Problem
from ..structuring import describe, join_path

#: What the official schema's ``format: uuid`` accepts: any 8-4-4-4-12 hexadecimal UUID, whatever its
#: version and variant nibbles (OpenSALT's stricter copy of the schema demands the RFC 4122 variant).
UUID_PATTERN = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The schema's pattern for extended vocabularies, searched (not matched) as JSON Schema does.
EXT_PATTERN = re.compile(r"(ext:)[a-z|A-Z|0-9|.|-|_]+")
ASSOCIATION_TYPES = (
    "isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo", "replacedBy",
    "exemplar", "hasSkillLevel", "isTranslationOf",
)
_MAX_INT = 2**63  # TOML integers are 64-bit

# Field kinds: a scalar kind name, or ("obj", class) / ("objs", class) for nested classes.
Kind = Union[str, tuple[str, str]]


@attrs.frozen
class CaseClass:
    """One class of the package: its fields (in the schema's order) and the required ones."""

    fields: dict[str, Kind]
    required: tuple[str, ...] = ()


def _cls(required: str, **fields: Kind) -> CaseClass:
    return CaseClass(dict(fields), tuple(required.split()))


_LINK: Kind = ("obj", "LinkURI")
_LINKS: Kind = ("objs", "LinkURI")

#: The CASE 1.1 package, class by class, as the official schema defines it.
CLASSES: dict[str, CaseClass] = {
    "CFPackage": _cls(
        "CFDocument", CFDocument=("obj", "CFPckgDocument"), CFItems=("objs", "CFPckgItem"),
        CFAssociations=("objs", "CFPckgAssociation"), CFDefinitions=("obj", "CFDefinition"),
        CFRubrics=("objs", "CFRubric"), extensions="ext",
    ),
    "CFPckgDocument": _cls(
        "identifier uri creator title lastChangeDateTime",
        identifier="uuid", uri="str", frameworkType="str", caseVersion="caseVersion", creator="str",
        title="str", lastChangeDateTime="datetime", officialSourceURL="str", publisher="str",
        description="str", subject="strs", subjectURI=_LINKS, language="str", version="str",
        adoptionStatus="str", statusStartDate="date", statusEndDate="date", licenseURI=_LINK, notes="str",
        extensions="ext",
    ),
    "CFPckgItem": _cls(
        "identifier fullStatement uri lastChangeDateTime",
        identifier="uuid", fullStatement="str", alternativeLabel="str", CFItemType="str", uri="str",
        humanCodingScheme="str", listEnumeration="str", abbreviatedStatement="str", conceptKeywords="strs",
        conceptKeywordsURI=_LINK, notes="str", subject="strs", subjectURI=_LINKS, language="str",
        educationLevel="strs", CFItemTypeURI=_LINK, licenseURI=_LINK, statusStartDate="date",
        statusEndDate="date", lastChangeDateTime="datetime", extensions="ext",
    ),
    "CFPckgAssociation": _cls(
        "identifier associationType uri originNodeURI destinationNodeURI lastChangeDateTime",
        identifier="uuid", associationType="associationType", sequenceNumber="int", uri="str",
        originNodeURI=("obj", "LinkGenURI"), destinationNodeURI=("obj", "LinkGenURI"),
        CFAssociationGroupingURI=_LINK, lastChangeDateTime="datetime", notes="str", extensions="ext",
    ),
    "CFDefinition": _cls(
        "", CFConcepts=("objs", "CFConcept"), CFSubjects=("objs", "CFSubject"),
        CFLicenses=("objs", "CFLicense"), CFItemTypes=("objs", "CFItemType"),
        CFAssociationGroupings=("objs", "CFAssociationGrouping"), extensions="ext",
    ),
    "CFConcept": _cls(
        "identifier uri title hierarchyCode lastChangeDateTime",
        identifier="uuid", uri="str", title="str", keywords="str", hierarchyCode="str", description="str",
        lastChangeDateTime="datetime", extensions="ext",
    ),
    "CFSubject": _cls(
        "identifier uri title hierarchyCode lastChangeDateTime",
        identifier="uuid", uri="str", title="str", hierarchyCode="str", description="str",
        lastChangeDateTime="datetime", extensions="ext",
    ),
    "CFLicense": _cls(
        "identifier uri title licenseText lastChangeDateTime",
        identifier="uuid", uri="str", title="str", description="str", licenseText="str",
        lastChangeDateTime="datetime", extensions="ext",
    ),
    "CFItemType": _cls(
        "identifier uri title description hierarchyCode lastChangeDateTime",
        identifier="uuid", uri="str", title="str", description="str", hierarchyCode="str", typeCode="str",
        lastChangeDateTime="datetime", extensions="ext",
    ),
    "CFAssociationGrouping": _cls(
        "identifier uri title lastChangeDateTime",
        identifier="uuid", uri="str", title="str", description="str", lastChangeDateTime="datetime",
        extensions="ext",
    ),
    "CFRubric": _cls(
        "identifier uri lastChangeDateTime",
        identifier="uuid", uri="str", title="str", description="str", lastChangeDateTime="datetime",
        CFRubricCriteria=("objs", "CFRubricCriterion"), extensions="ext",
    ),
    "CFRubricCriterion": _cls(
        "identifier uri lastChangeDateTime",
        identifier="uuid", uri="str", category="str", description="str", CFItemURI=_LINK, weight="number",
        position="int", rubricId="uuid", lastChangeDateTime="datetime",
        CFRubricCriterionLevels=("objs", "CFRubricCriterionLevel"), extensions="ext",
    ),
    "CFRubricCriterionLevel": _cls(
        "identifier uri lastChangeDateTime",
        identifier="uuid", uri="str", description="str", quality="str", score="number", feedback="str",
        position="int", rubricCriterionId="uuid", lastChangeDateTime="datetime", extensions="exts",
    ),
    "LinkURI": _cls("title identifier uri", title="str", identifier="uuid", uri="str"),
    "LinkGenURI": _cls("title identifier uri", title="str", identifier="str", uri="str", targetType="targetType"),
}

def is_uuid(value: object) -> bool:
    """Whether the official 1.1 schema's ``format: uuid`` accepts ``value``."""
    return isinstance(value, str) and UUID_PATTERN.fullmatch(value) is not None


def is_datetime(value: object) -> bool:
    """Whether ``value`` is an RFC 3339 date-time (what ``format: date-time`` demands)."""
    return isinstance(value, str) and _RFC3339.fullmatch(value) is not None and _parse_datetime(value) is not None


def is_date(value: object) -> bool:
    """Whether ``value`` is an RFC 3339 full-date, ``YYYY-MM-DD``."""
    if not (isinstance(value, str) and _DATE.fullmatch(value)):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _parse_datetime(value: str) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", value.strip()))
    except ValueError:
        return None


@attrs.frozen
class Checked:
    """A package normalised to CASE 1.1, the problems found, and the version it was read as."""

    package: dict[str, Any]
    problems: tuple[Problem, ...]
    version: str

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(p.severity == "error" for p in self.problems)


def check_package(data: object) -> Checked:
    """Check and normalise a parsed CASE package (1.0 or 1.1); see the module docstring."""
    checker = _Checker()
    if not isinstance(data, Mapping):
        checker.error("", f"not a CASE package: expected a JSON object with CFDocument, CFItems and CFAssociations, got {describe(data)}")
        return Checked({}, tuple(checker.problems), "")
    if not any(key in data for key in CLASSES["CFPackage"].fields):
        found = ", ".join(sorted(map(str, data))[:8]) or "nothing"
        checker.error("", f"not a CASE package: no CFDocument, CFItems or CFAssociations (found: {found})")
        return Checked({}, tuple(checker.problems), "")
    if not isinstance(data.get("CFDocument"), Mapping):
        what = "is missing" if data.get("CFDocument") is None else f"is {describe(data['CFDocument'])}, not an object"
        checker.error("CFDocument", f"{what}: a CASE package needs the CFDocument that its items belong to")
        return Checked({}, tuple(checker.problems), "")
    version = _version(data)
    document_last_change = data["CFDocument"].get("lastChangeDateTime")
    checker.last_change = document_last_change if is_datetime(document_last_change) else None
    prepared = checker.prepare_v1p0(data)
    package = checker.check_object(prepared, "CFPackage", "")
    return Checked(package if isinstance(package, dict) else {}, tuple(checker.problems), version)


def _version(data: Mapping[str, Any]) -> str:
    document = data["CFDocument"]
    if document.get("caseVersion") == "1.1":
        return "1.1"
    v1p0 = "CFPackageURI" in document or "/v1p0/" in str(document.get("uri", ""))
    v1p0 = v1p0 or any(isinstance(i, Mapping) and "CFDocumentURI" in i for i in _list(data.get("CFItems")))
    return "1.0" if v1p0 else "1.1"


def _list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.last_change: str | None = None  # the document's, for records that lack their own

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, path))

    def warn(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, path, severity="warning"))

    # -- CASE 1.0 ------------------------------------------------------------------------------------

    def prepare_v1p0(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Drop 1.0-only fields that merely repeat the package's document; keep any other in extensions."""
        package = dict(data)
        document = dict(data["CFDocument"])
        own = {k: document.get(k) for k in ("title", "identifier", "uri")}
        package_uri = dict(own, uri=re.sub(r"/CFDocuments/([^/]+)$", r"/CFPackages/\1", str(own["uri"])))
        _drop_or_extend(document, "CFPackageURI", package_uri)
        if document.get("caseVersion") in ("1.0", "1.1"):
            del document["caseVersion"]  # the export says which version it writes
        package["CFDocument"] = document
        for key in ("CFItems", "CFAssociations"):
            if isinstance(package.get(key), list):
                package[key] = [_without_document_uri(x, own) for x in package[key]]
        if package.get("CFDefinitions") == []:
            del package["CFDefinitions"]  # 1.0 allowed an empty array here
        definitions = package.get("CFDefinitions")
        if isinstance(definitions, Mapping):
            item_types = definitions.get("CFItemTypes")
            if isinstance(item_types, list):  # 1.1 requires a description that 1.0 did not
                fixed = [dict(t, description="") if isinstance(t, Mapping) and "description" not in t else t for t in item_types]
                package["CFDefinitions"] = dict(definitions, CFItemTypes=fixed)
        return package

    # -- the classes ---------------------------------------------------------------------------------

    def check_object(self, value: object, class_name: str, path: str) -> dict[str, Any] | None:
        if not isinstance(value, Mapping):
            self.error(path, f"expected an object ({class_name}), got {describe(value)}")
            return None
        spec = CLASSES[class_name]
        out: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        for key, item in value.items():
            where = join_path(path, key)
            if item is None:
                continue  # CASE 1.0 servers write null for absent
            if key not in spec.fields:
                unknown[key] = item
                continue
            checked = self.value(item, spec.fields[key], where)
            if checked is not _INVALID:
                out[key] = checked
        for key in spec.required:
            if key not in out and value.get(key) is None:
                self.missing(out, key, class_name, join_path(path, key))
        if unknown:
            self._keep_unknown(out, unknown, spec, class_name, path)
        return out

    def missing(self, out: dict[str, Any], key: str, class_name: str, path: str) -> None:
        """A required field that is absent: an error, except where a harmless value can stand in."""
        if key == "title" and class_name in ("LinkURI", "LinkGenURI"):
            out[key] = ""  # a display label only
            self.warn(path, f"missing: CASE 1.1 requires it in a {class_name}; taken as empty")
        elif key == "lastChangeDateTime" and class_name != "CFPckgDocument" and self.last_change is not None:
            out[key] = self.last_change
            self.warn(path, f"missing: CASE 1.1 requires it; taken as the document's ({self.last_change})")
        else:
            self.error(path, f"missing: CASE 1.1 requires it in a {class_name}")

    def _keep_unknown(self, out: dict[str, Any], unknown: dict[str, Any], spec: CaseClass, class_name: str, path: str) -> None:
        names = ", ".join(unknown)
        plain = {k: v for k, v in ((k, self.plain(v, join_path(path, k))) for k, v in unknown.items()) if v is not _INVALID}
        kind = spec.fields.get("extensions")
        if kind == "ext":
            extensions = out.setdefault("extensions", {})
            clashes = [k for k in plain if k in extensions]
            if clashes:
                self.error(path, f"{', '.join(clashes)} is both a field and an extension: rename one")
            extensions.update(plain)
            self.warn(path, f"not CASE 1.1 fields of a {class_name}, kept under extensions: {names}")
        elif kind == "exts":
            out.setdefault("extensions", []).append(plain)
            self.warn(path, f"not CASE 1.1 fields of a {class_name}, kept under extensions: {names}")
        else:
            self.warn(path, f"not CASE 1.1 fields of a {class_name}, dropped: {names}")

    def value(self, value: object, kind: Kind, path: str) -> Any:
        if isinstance(kind, tuple):
            shape, class_name = kind
            if shape == "obj":
                checked = self.check_object(value, class_name, path)
                return _INVALID if checked is None else checked
            if isinstance(value, Mapping):
                value = [value]
            if not isinstance(value, list):
                self.error(path, f"expected an array of {class_name}, got {describe(value)}")
                return _INVALID
            objects = [self.check_object(v, class_name, join_path(path, i)) for i, v in enumerate(value)]
            return [o for o in objects if o is not None]
        return getattr(self, f"_{kind}")(value, path)

    def _str(self, value: object, path: str) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.warn(path, f"expected a string, got the number {value!r}: kept as text")
            return str(value)
        self.error(path, f"expected a string, got {describe(value)}")
        return _INVALID

    def _uuid(self, value: object, path: str) -> Any:
        if is_uuid(value):
            return value
        self.error(path, f"{describe(value)} is not a UUID: CASE 1.1 identifiers are 8-4-4-4-12 hexadecimal digits")
        return _INVALID

    def _datetime(self, value: object, path: str) -> Any:
        if is_datetime(value):
            return value
        parsed = _parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            self.error(path, f"{describe(value)} is not a date-time (RFC 3339, such as 2024-05-01T12:00:00+00:00)")
            return _INVALID
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        fixed = parsed.isoformat()
        self.warn(path, f"{describe(value)} is not an RFC 3339 date-time: read as {fixed}")
        return fixed

    def _date(self, value: object, path: str) -> Any:
        if is_date(value):
            return value
        parsed = _parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None:  # CASE 1.0 allowed a date-time here
            return parsed.date().isoformat()
        self.error(path, f"{describe(value)} is not a date (YYYY-MM-DD)")
        return _INVALID

    def _int(self, value: object, path: str) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,18}", value.strip()):
            self.warn(path, f"expected an integer, got the text {describe(value)}: read as a number")
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"expected an integer, got {describe(value)}")
            return _INVALID
        if abs(value) >= _MAX_INT:
            self.error(path, f"{value} is too large (the limit is 64-bit integers)")
            return _INVALID
        return value

    def _number(self, value: object, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(path, f"expected a number, got {describe(value)}")
            return _INVALID
        return self._int(value, path) if isinstance(value, int) else value

    def _strs(self, value: object, path: str) -> Any:
        if isinstance(value, str):
            return [value]  # CASE 1.0 allowed a single string
        if not isinstance(value, list):
            self.error(path, f"expected an array of strings, got {describe(value)}")
            return _INVALID
        out = [self._str(v, join_path(path, i)) for i, v in enumerate(value) if v is not None]
        return _INVALID if any(v is _INVALID for v in out) else out

    def _ext(self, value: object, path: str) -> Any:
        if not isinstance(value, Mapping):
            self.error(path, f"expected an object, got {describe(value)}")
            return _INVALID
        return self.plain(value, path)

    def _exts(self, value: object, path: str) -> Any:
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            self.error(path, f"expected an array of objects, got {describe(value)}")
            return _INVALID
        return self.plain(value, path)

    def _caseVersion(self, value: object, path: str) -> Any:  # noqa: N802 - named after the field kind
        self.error(path, f"{describe(value)} is not a CASE version this program reads (1.0 or 1.1)")
        return _INVALID

    def _associationType(self, value: object, path: str) -> Any:  # noqa: N802
        if isinstance(value, str) and (value in ASSOCIATION_TYPES or EXT_PATTERN.search(value)):
            return value
        known = ", ".join(ASSOCIATION_TYPES)
        self.error(path, f"{describe(value)} is not an association type ({known}, or ext:name)")
        return _INVALID

    def _targetType(self, value: object, path: str) -> Any:  # noqa: N802
        if isinstance(value, str) and (value == "CASE" or EXT_PATTERN.search(value)):
            return value
        self.error(path, f"{describe(value)} is not a target type (CASE, or ext:name)")
        return _INVALID

    def plain(self, value: object, path: str) -> Any:
        """Free-form JSON (extensions) as data a framework file can hold: nulls are dropped."""
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                checked = self.plain(item, join_path(path, key))
                if item is None:
                    self.warn(join_path(path, key), "null cannot be kept in a framework file: dropped")
                elif checked is not _INVALID:
                    out[key] = checked
            return out
        if isinstance(value, list):
            items = [self.plain(v, join_path(path, i)) for i, v in enumerate(value)]
            if any(v is None for v in value):
                self.warn(path, "null cannot be kept in a framework file: dropped from the array")
            return [v for v, raw in zip(items, value) if raw is not None and v is not _INVALID]
        if isinstance(value, int) and not isinstance(value, bool):
            return self._int(value, path)
        return value


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Any = _Invalid()


def _drop_or_extend(obj: dict[str, Any], key: str, own: Mapping[str, Any]) -> None:
    """Drop a 1.0 field that names ``own`` (the package's document); move any other to extensions."""
    value = obj.get(key)
    if value is None:
        obj.pop(key, None)
        return
    extensions = obj.get("extensions", {})
    if not isinstance(extensions, Mapping):
        return  # left where it is: the checker reports the broken extensions
    del obj[key]
    # The same document (OpenSALT cuts the title short, at 60 characters): nothing to keep.
    if isinstance(value, Mapping) and value.get("identifier") == own["identifier"] and value.get("uri", own["uri"]) == own["uri"]:
        return
    obj["extensions"] = {**extensions, key: value}


def _without_document_uri(obj: object, own: Mapping[str, Any]) -> object:
    if not isinstance(obj, Mapping) or "CFDocumentURI" not in obj:
        return obj
    copy = dict(obj)
    _drop_or_extend(copy, "CFDocumentURI", own)
    return copy
