"""Framework -> CASE 1.1 package (plain JSON data).

Every value comes from the framework, from what its ``extra`` kept of an imported package, or from
a derivation shared with the importer (``_case_common``): UUIDv5 identifiers, URIs, the document's
lastChangeDateTime. Nothing reads the clock, so exporting twice gives identical output. Whatever of
the model CASE has no field for (the framework id, role profiles, level ids, ...) travels in a
``competency`` object inside CASE's own ``extensions``, and only where the importer could not
derive it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..errors import InvalidInput, Problem
from ..framework import Competency, Framework, Level, Link
from ..framework_io import framework_to_dict
from ._case_common import (
    DEFAULT_LAST_CHANGE,
    DEFAULT_PROFICIENT,
    DEFAULT_SCALE,
    EXTENSION,
    association_type_for,
    citation,
    competency_ids_for,
    derived_uuid,
    destination_for,
    document_name,
    framework_id_for,
    item_name,
    level_ids_for,
    licence_for,
    node_link,
    proficient_for,
    target_for,
    uri_for,
)
from ._case_import import link_name
from ._case_schema import CLASSES, check_package, is_uuid

#: ``extra`` keys of a framework that stand for the package, not its CFDocument.
PACKAGE_KEYS = ("CFDefinitions", "CFRubrics", "CFAssociations", "CFPackageExtensions")
#: CASE fields written from the model itself, never from ``extra``.
_DOCUMENT_MAPPED = {"identifier", "title", "creator", "publisher", "description", "version", "caseVersion", "uri", "lastChangeDateTime"}
_ITEM_MAPPED = {"identifier", "fullStatement", "abbreviatedStatement", "CFItemType", "humanCodingScheme"}
_DEFAULT_ROLLUP = "mean-all-proficient"


def framework_to_package(framework: Framework, *, base_uri: str | None = None, last_change: str | None = None) -> dict[str, Any]:
    """The framework as a CASE 1.1 package; :class:`InvalidInput` if it cannot be one (an identifier
    that is not a UUID, an ``extra`` value CASE does not accept)."""
    return _Export(framework, base_uri, last_change).run()


def jsonable(value: Any) -> Any:
    """Framework data as JSON data: read-only mappings and tuples as objects and arrays, TOML dates
    and times as ISO 8601 text."""
    if isinstance(value, (Mapping, MappingProxyType)):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _ordered(obj: Mapping[str, Any], class_name: str) -> dict[str, Any]:
    """The object's keys in the schema's order."""
    fields = CLASSES[class_name].fields
    return {**{k: obj[k] for k in fields if k in obj}, **{k: v for k, v in obj.items() if k not in fields}}


class _Export:
    def __init__(self, framework: Framework, base_uri: str | None, last_change: str | None) -> None:
        self.fw = framework
        self.extra = jsonable(framework.extra)
        self.problems: list[Problem] = []
        if framework.identifier is not None and not is_uuid(framework.identifier):
            self.problems.append(Problem(f"{framework.identifier!r} is not a UUID, as CASE identifiers must be", "identifier"))
        self.doc_id = framework.identifier or derived_uuid(document_name(framework.id))
        default_uri = f"{base_uri.rstrip('/')}/CFDocuments/{self.doc_id}" if base_uri else f"urn:uuid:{self.doc_id}"
        self.doc_uri = str(self.extra.get("uri") or default_uri)
        self.last = str(self.extra.get("lastChangeDateTime") or last_change or DEFAULT_LAST_CHANGE)

    def uri(self, collection: str, identifier: str) -> str:
        return uri_for(self.doc_uri, self.doc_id, collection, identifier)

    def run(self) -> dict[str, Any]:
        fw = self.fw
        items = [self.item(index, comp) for index, comp in enumerate(fw.competencies)]
        self.items = {comp.id: item for comp, item in zip(fw.competencies, items)}
        self.by_identifier = {item["identifier"]: comp.id for comp, item in zip(fw.competencies, items)}
        derived_ids = competency_ids_for([(item["identifier"], item.get("humanCodingScheme")) for item in items])
        for comp, item, derived in zip(fw.competencies, items, derived_ids):
            if derived != comp.id:
                self.add_ours(item, {"id": comp.id})
        if self.problems:
            raise InvalidInput(self.problems, fw.id)
        doc, ours = self.document()
        associations = self.associations(doc)
        rubrics = self.rubrics(ours)
        definitions = dict(self.extra.get("CFDefinitions", {}))
        self.licence(doc, ours, definitions)
        if fw.source != citation(doc):
            ours["source"] = fw.source
        if fw.id != framework_id_for(fw.title, self.doc_id):
            ours["id"] = fw.id
        self.add_ours(doc, ours)
        package: dict[str, Any] = {"CFDocument": _ordered(doc, "CFPckgDocument"), "CFItems": [_ordered(i, "CFPckgItem") for i in items],
                                   "CFAssociations": associations}
        if definitions:
            package["CFDefinitions"] = definitions
        if rubrics:
            package["CFRubrics"] = rubrics
        if "CFPackageExtensions" in self.extra:
            package["extensions"] = self.extra["CFPackageExtensions"]
        self.check(package)
        return package

    def add_ours(self, obj: dict[str, Any], ours: Mapping[str, Any]) -> None:
        """Put this program's object into ``obj``'s extensions (if there is anything to say)."""
        if not ours:
            return
        extensions = obj.get("extensions")
        extensions = extensions if isinstance(extensions, dict) else {}
        obj["extensions"] = {**extensions, EXTENSION: {**extensions.get(EXTENSION, {}), **ours}}

    def unknown(self, extra: Mapping[str, Any], written: set[str], ours: dict[str, Any]) -> None:
        """Keys of ``extra`` that were not written as CASE fields go to our extension, so they return."""
        rest = {k: v for k, v in extra.items() if k not in written}
        if rest:
            ours["extra"] = rest

    # -- the document ---------------------------------------------------------------------------------

    def document(self) -> tuple[dict[str, Any], dict[str, Any]]:
        fw = self.fw
        extra = self.extra
        doc: dict[str, Any] = {"identifier": self.doc_id, "uri": self.doc_uri, "caseVersion": "1.1"}
        if "creator" in extra:
            doc["creator"] = extra["creator"]
            doc["publisher"] = fw.publisher
        else:
            doc["creator"] = fw.publisher
        doc["title"] = fw.title
        doc["lastChangeDateTime"] = self.last
        doc["version"] = fw.version
        if fw.description:
            doc["description"] = fw.description
        fields = CLASSES["CFPckgDocument"].fields
        written = {"uri", "lastChangeDateTime", *PACKAGE_KEYS, *(["creator"] if "creator" in extra else [])}
        for key, value in extra.items():
            if key in fields and key not in _DOCUMENT_MAPPED:
                doc[key] = value
                written.add(key)
        ours: dict[str, Any] = {}
        if fw.rollup != _DEFAULT_ROLLUP:
            ours["rollup"] = fw.rollup
        data = framework_to_dict(fw)
        for key in ("roles", "cross_cutting"):
            if data.get(key):
                ours[key] = jsonable(data[key])
        self.unknown(extra, written, ours)
        return doc, ours

    def licence(self, doc: dict[str, Any], ours: dict[str, Any], definitions: dict[str, Any]) -> None:
        fw = self.fw
        if "licenseURI" in doc:
            derived = licence_for(doc["licenseURI"], definitions.get("CFLicenses", []))
        elif fw.licence:
            identifier = derived_uuid(f"{fw.id}#licence")
            title = f"Licence of {fw.title}"
            uri = self.uri("CFLicenses", identifier)
            definition = {"identifier": identifier, "uri": uri, "title": title, "licenseText": fw.licence, "lastChangeDateTime": self.last}
            definitions["CFLicenses"] = [*definitions.get("CFLicenses", []), definition]
            doc["licenseURI"] = {"title": title, "identifier": identifier, "uri": uri}
            derived = fw.licence
        else:
            derived = ""
        if derived != fw.licence:
            ours["licence"] = fw.licence

    # -- items ----------------------------------------------------------------------------------------

    def item(self, index: int, comp: Competency) -> dict[str, Any]:
        if comp.identifier is not None and not is_uuid(comp.identifier):
            message = f"{comp.identifier!r} is not a UUID, as CASE identifiers must be"
            self.problems.append(Problem(message, f"competencies[{index}].identifier"))
        identifier = comp.identifier or derived_uuid(item_name(self.fw.id, comp.id))
        extra = jsonable(comp.extra)
        item: dict[str, Any] = {"identifier": identifier, "fullStatement": comp.description or comp.title}
        if comp.description:
            item["abbreviatedStatement"] = comp.title
        if comp.kind:
            item["CFItemType"] = comp.kind
        if comp.code is not None:
            item["humanCodingScheme"] = comp.code
        item["uri"] = extra.get("uri") or self.uri("CFItems", identifier)
        item["lastChangeDateTime"] = extra.get("lastChangeDateTime") or self.last
        fields = CLASSES["CFPckgItem"].fields
        written = {"uri", "lastChangeDateTime", "isChildOf", "CFRubricCriterion"}
        for key, value in extra.items():
            if key in fields and key not in _ITEM_MAPPED and key not in written:
                item[key] = value
                written.add(key)
        ours: dict[str, Any] = {}
        self.unknown(extra, written, ours)
        self.add_ours(item, ours)
        return item

    # -- associations ---------------------------------------------------------------------------------

    def associations(self, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
        fw = self.fw
        numbers = self.sequence_numbers()
        out: list[dict[str, Any]] = []
        for comp in fw.competencies:
            item = self.items[comp.id]
            parent = doc if comp.parent is None else self.items[comp.parent]
            meta = dict(jsonable(comp.extra.get("isChildOf", {})))
            meta.pop("sequenceNumber", None)
            origin = _same_node(meta.pop("originNodeURI", None), item) or node_link(item)
            destination = _same_node(meta.pop("destinationNodeURI", None), parent) or node_link(parent)
            identifier = meta.pop("identifier", None) or derived_uuid(f"{item_name(fw.id, comp.id)}#isChildOf")
            association = {
                "identifier": identifier, "associationType": "isChildOf", "sequenceNumber": numbers[comp.id],
                "uri": meta.pop("uri", None) or self.uri("CFAssociations", identifier),
                "originNodeURI": origin, "destinationNodeURI": destination,
                "lastChangeDateTime": meta.pop("lastChangeDateTime", None) or self.last,
            }
            self.rest(association, meta, "CFPckgAssociation")
            out.append(_ordered(association, "CFPckgAssociation"))
            seen: dict[tuple[str, str], int] = {}
            for link in comp.links:
                key = (link.type, link.target)
                seen[key] = seen.get(key, 0) + 1
                out.append(self.link(comp, item, link, seen[key]))
        out.extend(self.extra.get("CFAssociations", []))
        return out

    def sequence_numbers(self) -> dict[str, int]:
        """1, 2, 3, ... among each set of siblings, or the numbers kept from CASE where every sibling has
        one and they still follow the siblings' order."""
        groups: dict[str | None, list[Competency]] = {}
        for comp in self.fw.competencies:
            groups.setdefault(comp.parent, []).append(comp)
        numbers: dict[str, int] = {}
        for members in groups.values():
            kept = [comp.extra.get("isChildOf", {}).get("sequenceNumber") for comp in members]
            ints = [n for n in kept if isinstance(n, int) and not isinstance(n, bool)]
            use_kept = len(ints) == len(members) and all(a <= b for a, b in zip(ints, ints[1:]))
            for position, comp in enumerate(members, start=1):
                numbers[comp.id] = ints[position - 1] if use_kept else position
        return numbers

    def link(self, comp: Competency, item: Mapping[str, Any], link: Link, occurrence: int) -> dict[str, Any]:
        meta = dict(jsonable(link.extra))
        ours: dict[str, Any] = {}
        destination = meta.pop("destinationNodeURI", None)
        if not isinstance(destination, dict) or target_for(destination, self.by_identifier) != link.target:
            destination = destination_for(link.target, self.items)
        if target_for(destination, self.by_identifier) != link.target:
            ours["target"] = link.target
        association_type = meta.pop("associationType", None) or association_type_for(link.type)
        if association_type != link.type:
            ours["type"] = link.type
        identifier = meta.pop("identifier", None) or derived_uuid(link_name(self.fw.id, comp.id, link.type, link.target, occurrence))
        association: dict[str, Any] = {
            "identifier": identifier, "associationType": association_type,
            "uri": meta.pop("uri", None) or self.uri("CFAssociations", identifier),
            "originNodeURI": _same_node(meta.pop("originNodeURI", None), item) or node_link(item),
            "destinationNodeURI": destination,
            "lastChangeDateTime": meta.pop("lastChangeDateTime", None) or self.last,
        }
        self.rest(association, meta, "CFPckgAssociation", ours)
        return _ordered(association, "CFPckgAssociation")

    # -- the scale ------------------------------------------------------------------------------------

    def needs_rubric(self) -> bool:
        fw = self.fw
        default = tuple(Level(i, label, text) for i, label, text in DEFAULT_SCALE)
        if fw.scale.levels != default or fw.scale.proficient != DEFAULT_PROFICIENT or "CFRubrics" in self.extra:
            return True
        return any(c.descriptors or "CFRubricCriterion" in c.extra for c in fw.competencies)

    def rubrics(self, ours: dict[str, Any]) -> list[dict[str, Any]]:
        fw = self.fw
        if not self.needs_rubric():
            return []
        kept = list(self.extra.get("CFRubrics", [])) or [{}]
        meta = dict(kept[0])
        scale_meta = dict(meta.pop("scaleCriterion", {}))
        leftover = list(meta.pop("CFRubricCriteria", []))
        rubric_id = meta.pop("identifier", None) or derived_uuid(f"{fw.id}#rubric")
        levels = fw.scale.levels
        labels = [level.label for level in levels]
        if [level.id for level in levels] != level_ids_for(labels):
            ours["levels"] = [level.id for level in levels]
        if fw.scale.proficient != levels[proficient_for(labels)].id:
            ours["proficient"] = fw.scale.proficient
        criteria = [self.scale_criterion(rubric_id, scale_meta)]
        for comp in fw.competencies:
            if comp.descriptors or "CFRubricCriterion" in comp.extra:
                criteria.append(self.criterion(rubric_id, comp))
        rubric = {
            "identifier": rubric_id, "uri": meta.pop("uri", None) or self.uri("CFRubrics", rubric_id),
            "title": meta.pop("title", f"{fw.title}: scale"),
            "lastChangeDateTime": meta.pop("lastChangeDateTime", None) or self.last,
            "CFRubricCriteria": [*criteria, *leftover],
        }
        self.rest(rubric, meta, "CFRubric")
        return [_ordered(rubric, "CFRubric"), *kept[1:]]

    def scale_criterion(self, rubric_id: str, meta: dict[str, Any]) -> dict[str, Any]:
        fw = self.fw
        identifier = meta.pop("identifier", None) or derived_uuid(f"{fw.id}#scale")
        levels = []
        # Scores and positions rank the levels: 1, 2, 3, ... unless CASE gave some, then as CASE gave them.
        kept = {key for key in ("score", "position") if any(key in level.extra for level in fw.scale.levels)}
        for rank, level in enumerate(fw.scale.levels, start=1):
            level_meta = dict(jsonable(level.extra))
            level_id = level_meta.pop("identifier", None) or derived_uuid(f"{fw.id}#scale#{level.id}")
            entry = {
                "identifier": level_id, "uri": level_meta.pop("uri", None) or self.uri("CFRubricCriterionLevels", level_id),
                "quality": level_meta.pop("quality", level.label),
                "rubricCriterionId": level_meta.pop("rubricCriterionId", None) or identifier,
                "lastChangeDateTime": level_meta.pop("lastChangeDateTime", None) or self.last,
            }
            for key in ("score", "position"):
                if key not in kept:
                    entry[key] = rank
                elif key in level_meta:
                    entry[key] = level_meta.pop(key)
            if level.description:
                entry["description"] = level.description
            self.level_rest(entry, level_meta)
            levels.append(_ordered(entry, "CFRubricCriterionLevel"))
        criterion = {
            "identifier": identifier, "uri": meta.pop("uri", None) or self.uri("CFRubricCriteria", identifier),
            "rubricId": meta.pop("rubricId", None) or rubric_id,
            "lastChangeDateTime": meta.pop("lastChangeDateTime", None) or self.last,
        }
        self.rest(criterion, meta, "CFRubricCriterion")
        criterion["CFRubricCriterionLevels"] = levels
        return _ordered(criterion, "CFRubricCriterion")

    def criterion(self, rubric_id: str, comp: Competency) -> dict[str, Any]:
        fw = self.fw
        item = self.items[comp.id]
        meta = dict(jsonable(comp.extra.get("CFRubricCriterion", {})))
        level_metas = meta.pop("levels", {})
        identifier = meta.pop("identifier", None) or derived_uuid(f"{item_name(fw.id, comp.id)}#rubric")
        labels = [level.label for level in fw.scale.levels]
        levels = []
        for rank, level in enumerate(fw.scale.levels, start=1):
            if level.id not in comp.descriptors and level.id not in level_metas:
                continue
            level_meta = dict(level_metas.get(level.id, {}))
            level_id = level_meta.pop("identifier", None) or derived_uuid(f"{item_name(fw.id, comp.id)}#rubric#{level.id}")
            entry: dict[str, Any] = {
                "identifier": level_id, "uri": level_meta.pop("uri", None) or self.uri("CFRubricCriterionLevels", level_id),
                "quality": level_meta.pop("quality", level.label), "score": level_meta.pop("score", rank),
                "position": level_meta.pop("position", rank),
                "rubricCriterionId": level_meta.pop("rubricCriterionId", None) or identifier,
                "lastChangeDateTime": level_meta.pop("lastChangeDateTime", None) or self.last,
            }
            if level.id in comp.descriptors:
                entry["description"] = comp.descriptors[level.id]
            self.level_rest(entry, level_meta)
            if entry["quality"] != level.label or labels.count(level.label) > 1:
                # The importer matches levels by label; where that cannot work, say which level it is.
                entry["extensions"] = [*entry.get("extensions", []), {EXTENSION: {"level": level.id}}]
            levels.append(_ordered(entry, "CFRubricCriterionLevel"))
        link = meta.pop("CFItemURI", None)
        if not (isinstance(link, dict) and link.get("identifier") == item["identifier"]):
            link = node_link(item)
        criterion = {
            "identifier": identifier, "uri": meta.pop("uri", None) or self.uri("CFRubricCriteria", identifier),
            "CFItemURI": link, "rubricId": meta.pop("rubricId", None) or rubric_id,
            "lastChangeDateTime": meta.pop("lastChangeDateTime", None) or self.last,
        }
        self.rest(criterion, meta, "CFRubricCriterion")
        criterion["CFRubricCriterionLevels"] = levels
        return _ordered(criterion, "CFRubricCriterion")

    def rest(self, obj: dict[str, Any], meta: Mapping[str, Any], class_name: str, ours: dict[str, Any] | None = None) -> None:
        """Write the kept fields CASE defines for ``obj``'s class; the others go to our extension."""
        ours = {} if ours is None else ours
        fields = CLASSES[class_name].fields
        written = set()
        for key, value in meta.items():
            if key in fields and key not in obj:
                obj[key] = value
                written.add(key)
        self.unknown(meta, written, ours)
        self.add_ours(obj, ours)

    def level_rest(self, entry: dict[str, Any], meta: Mapping[str, Any]) -> None:
        fields = CLASSES["CFRubricCriterionLevel"].fields
        rest = {}
        for key, value in meta.items():
            if key in fields and key not in entry:
                entry[key] = value
            else:
                rest[key] = value
        if rest:
            entry["extensions"] = [*entry.get("extensions", []), {EXTENSION: {"extra": rest}}]

    # -- the result -----------------------------------------------------------------------------------

    def check(self, package: dict[str, Any]) -> None:
        """Refuse to write what CASE 1.1 does not accept (values kept in ``extra`` can be edited)."""
        copy = jsonable(package)
        copy["CFDocument"].pop("caseVersion", None)  # the checker reads 1.0 too, and drops this
        problems = [
            Problem(f"{p.message} (in the CASE output: see the framework's identifiers and extra)", p.path)
            for p in check_package(copy).problems
        ]
        if problems:
            raise InvalidInput(problems, self.fw.id)


def _same_node(stored: object, obj: Mapping[str, Any]) -> dict[str, Any] | None:
    """A node link kept from CASE, if it still points at ``obj``."""
    if isinstance(stored, dict) and stored.get("identifier") == obj.get("identifier"):
        return stored
    return None
