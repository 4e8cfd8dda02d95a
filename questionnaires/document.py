"""Turning a parsed YAML document into a validated `Questionnaire`.

Every problem is reported with the file, the path inside it and what is wrong, so a
consultant editing YAML can fix it without reading Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from .model import (
    Analysis,
    Band,
    Dimension,
    Fix,
    Group,
    Question,
    Questionnaire,
    Rule,
    Scale,
    Section,
    quoted,
)
from .vocabulary import (
    AUDIENCES,
    FIXED_DIMENSIONS,
    GROUP_KEYS,
    HORIZONS,
    KINDS,
    META_COLUMNS,
    OWNERS,
    ROLES,
    RULE_TYPES,
)

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class QuestionnaireError(ValueError):
    """A questionnaire file (or reference) is invalid; the message says where and why."""


class _Errors:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, path: str, problem: str) -> None:
        self.items.append(f"{self.source}: {path}: {problem}")

    def raise_if_any(self) -> None:
        if self.items:
            raise QuestionnaireError("\n".join(self.items))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(errors: _Errors, path: str, value: Any, *, positive: bool = False) -> float | None:
    if not _is_number(value):
        errors.add(path, f"must be a number, got {quoted(value)}")
        return None
    if positive and value <= 0:
        errors.add(path, f"must be greater than 0, got {quoted(value)}")
        return None
    return float(value)


def _text(errors: _Errors, path: str, value: Any, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        errors.add(path, "must be non-empty text")
        return ""
    return value.strip()


def _list(errors: _Errors, path: str, value: Any, *, required: bool = True) -> list[Any]:
    if value is None and not required:
        return []
    if not isinstance(value, list):
        errors.add(path, "must be a list")
        return []
    return value


def _mapping(errors: _Errors, path: str, value: Any) -> Mapping[str, Any] | None:
    if not isinstance(value, dict):
        errors.add(path, "must be a mapping")
        return None
    return value


def _unique(errors: _Errors, path: str, keys: Iterable[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            errors.add(path, f"duplicate key {key!r}")
        seen.add(key)


def parse(data: Any, source: str = "<questionnaire>") -> Questionnaire:
    """Validate a parsed YAML document and build the questionnaire, or raise with all errors."""
    errors = _Errors(source)
    if not isinstance(data, dict):
        errors.add("(top)", "must be a mapping of fields")
        errors.raise_if_any()
    required = ("key", "version", "title", "audience", "roles", "min_group_size", "bands",
                "scales", "groups", "dimensions", "questions")
    for name in required:
        if name not in data:
            errors.add(name, "is required")
    known = set(required) | {"description", "minutes", "sections", "lineage", "rules", "fixes",
                             "analysis"}
    for name in data:
        if name not in known:
            errors.add(str(name), "unknown field")
    errors.raise_if_any()

    key = _text(errors, "key", data["key"])
    if key and not re.match(r"^[a-z0-9][a-z0-9-]*$", key):
        errors.add("key", "use lowercase letters, digits and hyphens")
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        errors.add("version", f"must be a positive integer, got {version!r}")
        version = 0
    audience = data["audience"]
    if audience not in AUDIENCES:
        errors.add("audience", f"must be one of {', '.join(AUDIENCES)}, got {audience!r}")
    roles = _list(errors, "roles", data["roles"])
    if roles and list(roles) != list(ROLES):
        errors.add("roles", f"must be exactly {list(ROLES)}")
    k = data["min_group_size"]
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        errors.add("min_group_size", f"must be a positive integer, got {k!r}")
        k = 1
    elif audience == "team" and k < 3:
        errors.add("min_group_size", "a team survey needs at least 3 to protect anonymity")

    bands = _parse_bands(errors, data["bands"])
    scales = _parse_scales(errors, data["scales"])
    groups = _parse_groups(errors, data["groups"])
    dimensions = _parse_dimensions(errors, data["dimensions"], {g.key for g in groups})
    sections = _parse_sections(errors, data.get("sections"))
    questions = _parse_questions(errors, data["questions"], scales, dimensions, sections)
    analysis = _parse_analysis(errors, data.get("analysis"))

    dim_keys = {d.key for d in dimensions}
    question_keys = {q.key for q in questions}
    for i, dim in enumerate(dimensions):
        if not any(q.dimension == dim.key for q in questions):
            errors.add(f"dimensions[{i}] ({dim.key})", "has no questions")
    for i, group in enumerate(groups):
        if not any(d.group == group.key for d in dimensions):
            errors.add(f"groups[{i}] ({group.key})", "has no dimensions")

    lineage = _parse_lineage(errors, data.get("lineage"), question_keys)
    rules = _parse_rules(errors, data.get("rules"), dim_keys, question_keys,
                         {g.key for g in groups}, scales, questions)
    fixes = _parse_fixes(errors, data.get("fixes"), dim_keys, {r.key for r in rules})
    if fixes or rules:
        for dim in dimensions:
            if not any(f.dimension == dim.key for f in fixes):
                errors.add("fixes", f"no fix for dimension {dim.key!r}")
        for rule in rules:
            if not any(f.rule == rule.key for f in fixes):
                errors.add("fixes", f"no fix for rule {rule.key!r}")

    minutes = data.get("minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        errors.add("minutes", f"must be a whole number of minutes, got {minutes!r}")
        minutes = 0
    title = _text(errors, "title", data["title"])
    description = _text(errors, "description", data.get("description"), required=False)
    errors.raise_if_any()
    return Questionnaire(
        key=key,
        version=int(version),
        title=title,
        audience=audience,
        roles=tuple(roles),
        min_group_size=int(k),
        bands=bands,
        scales=MappingProxyType(scales),
        groups=groups,
        dimensions=dimensions,
        questions=questions,
        sections=sections,
        lineage=MappingProxyType(lineage),
        rules=rules,
        fixes=fixes,
        analysis=analysis,
        description=description,
        minutes=int(minutes),
    )


def _parse_bands(errors: _Errors, value: Any) -> tuple[Band, ...]:
    bands = []
    for i, item in enumerate(_list(errors, "bands", value)):
        path = f"bands[{i}]"
        item = _mapping(errors, path, item)
        if item is None:
            continue
        low = _number(errors, f"{path}.min", item.get("min"))
        label = _text(errors, f"{path}.label", item.get("label"))
        if low is not None and label:
            bands.append(Band(low, label))
    if bands:
        mins = [b.min for b in bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            errors.add("bands", "must be ordered from the highest min to the lowest, no repeats")
        if mins[-1] > 0:
            errors.add("bands", "the last band must have min 0 so every score gets a band")
    elif isinstance(value, list):
        errors.add("bands", "needs at least one band")
    return tuple(bands)


def _parse_scales(errors: _Errors, value: Any) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    mapping = _mapping(errors, "scales", value) or {}
    for key, spec in mapping.items():
        path = f"scales.{key}"
        spec = _mapping(errors, path, spec)
        if spec is None:
            continue
        kind = spec.get("type")
        if kind == "text":
            scales[key] = Scale(key=key, type="text")
            continue
        if kind not in ("likert", "number"):
            errors.add(f"{path}.type", f"must be likert, number or text, got {kind!r}")
            continue
        low = _number(errors, f"{path}.min", spec.get("min"))
        high = _number(errors, f"{path}.max", spec.get("max"))
        if low is None or high is None:
            continue
        if high <= low:
            errors.add(path, f"max ({high:g}) must be greater than min ({low:g})")
            continue
        labels: tuple[str, ...] = ()
        points: tuple[tuple[float, float], ...] = ()
        if kind == "likert":
            if low != int(low) or high != int(high):
                errors.add(path, "a likert scale needs whole-number min and max")
            raw_labels = _list(errors, f"{path}.labels", spec.get("labels"), required=False)
            labels = tuple(str(x) for x in raw_labels)
            points_count = int(high - low + 1)
            if labels and len(labels) != points_count:
                errors.add(f"{path}.labels",
                           f"needs {points_count} labels, has {len(labels)}")
        else:
            raw_points = _list(errors, f"{path}.points", spec.get("points"))
            parsed = []
            for j, point in enumerate(raw_points):
                ok = (isinstance(point, list) and len(point) == 2
                      and all(_is_number(v) for v in point))
                if not ok:
                    errors.add(f"{path}.points[{j}]", "must be [value, score]")
                    continue
                if not 0 <= point[1] <= 100:
                    errors.add(f"{path}.points[{j}]", "score must be within 0..100")
                parsed.append((float(point[0]), float(point[1])))
            xs = [p[0] for p in parsed]
            if len(parsed) < 2:
                errors.add(f"{path}.points", "needs at least two points")
            elif any(b <= a for a, b in zip(xs, xs[1:], strict=False)):
                errors.add(f"{path}.points", "values must strictly increase")
            points = tuple(parsed)
        dont_know = spec.get("dont_know", "")
        if dont_know and (kind != "likert" or not isinstance(dont_know, str)):
            errors.add(f"{path}.dont_know", "only a likert scale offers \"Don't know\"; give "
                       "its label as text")
            dont_know = ""
        scales[key] = Scale(key=key, type=kind, min=low, max=high, labels=labels, points=points,
                            unit=str(spec.get("unit", "")), dont_know=str(dont_know or ""))
    return scales


_FIELDS = {
    "groups": {"key", "title", "weight"},
    "dimensions": {"key", "group", "title", "weight", "description"},
    "sections": {"key", "title", "intro"},
    "questions": {"key", "dimension", "scale", "text", "weight", "reverse", "audiences",
                  "section", "required", "help", "perception"},
    "fixes": {"key", "dimension", "rule", "text", "owner", "horizon_days"},
    "rules": {"key", "type", "kind", "title", "explanation", "dimensions", "people", "group",
              "ecosystem_group", "context", "question", "stat", "above", "below", "threshold",
              "sd_above", "trust", "enforcement", "pairs", "explained_by", "system"},
}


def _weighted_items(errors: _Errors, name: str,
                    value: Any) -> list[tuple[str, Mapping[str, Any]]]:
    """The items of a list of mappings, each labelled for messages; unknown fields (often
    a comma in unquoted YAML flow text) are errors."""
    out = []
    for i, item in enumerate(_list(errors, name, value)):
        item = _mapping(errors, f"{name}[{i}]", item)
        if item is None:
            continue
        key = item.get("key")
        label = f"{name}[{i}]" + (f" ({key})" if isinstance(key, str) else "")
        for field_name in item:
            if field_name not in _FIELDS[name]:
                hint = " (quote text that contains a comma)" if \
                    item[field_name] is None else ""
                errors.add(f"{label}.{field_name}", f"unknown field{hint}")
        out.append((label, item))
    _unique(errors, name, [str(item["key"]) for _, item in out
                           if isinstance(item.get("key"), str)])
    return out


def _parse_groups(errors: _Errors, value: Any) -> tuple[Group, ...]:
    groups = []
    for path, item in _weighted_items(errors, "groups", value):
        key = item.get("key")
        if key not in GROUP_KEYS:
            errors.add(f"{path}.key", f"must be one of {', '.join(GROUP_KEYS)}")
            continue
        weight = _number(errors, f"{path}.weight", item.get("weight", 1), positive=True)
        title = _text(errors, f"{path}.title", item.get("title"))
        if weight is not None:
            groups.append(Group(key, title, weight))
    return tuple(groups)


def _parse_dimensions(errors: _Errors, value: Any, groups: set[str]) -> tuple[Dimension, ...]:
    dims = []
    for path, item in _weighted_items(errors, "dimensions", value):
        key = item.get("key")
        group = item.get("group")
        if not isinstance(key, str) or "." not in key:
            errors.add(f"{path}.key", "must look like group.name")
            continue
        if key not in FIXED_DIMENSIONS and not re.match(r"^process\.[a-z][a-z0-9_]*$", key):
            errors.add(f"{path}.key", "not a known dimension (only process.* may be added)")
        if group not in groups:
            errors.add(f"{path}.group", f"unknown group {group!r}")
        elif key.split(".", 1)[0] != group:
            errors.add(f"{path}.group", f"{key!r} belongs to group {key.split('.', 1)[0]!r}")
        weight = _number(errors, f"{path}.weight", item.get("weight", 1), positive=True)
        title = _text(errors, f"{path}.title", item.get("title"))
        description = _text(errors, f"{path}.description", item.get("description"),
                            required=False)
        if weight is not None:
            dims.append(Dimension(key, str(group), title, weight, description))
    return tuple(dims)


def _parse_sections(errors: _Errors, value: Any) -> tuple[Section, ...]:
    sections = []
    for path, item in _weighted_items(errors, "sections", value or []):
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.add(f"{path}.key", "must be a snake_case key")
            continue
        sections.append(Section(key, _text(errors, f"{path}.title", item.get("title")),
                                _text(errors, f"{path}.intro", item.get("intro"), required=False)))
    return tuple(sections)


def _parse_questions(errors: _Errors, value: Any, scales: dict[str, Scale],
                     dimensions: tuple[Dimension, ...],
                     sections: tuple[Section, ...]) -> tuple[Question, ...]:
    dim_keys = {d.key for d in dimensions}
    section_keys = {s.key for s in sections}
    questions = []
    for path, item in _weighted_items(errors, "questions", value):
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.add(f"{path}.key", "must be a snake_case key")
            continue
        if key in META_COLUMNS:
            errors.add(f"{path}.key", f"{key!r} is reserved for the answers CSV")
        scale_key = item.get("scale")
        scale = scales.get(scale_key) if isinstance(scale_key, str) else None
        if scale is None:
            errors.add(f"{path}.scale", f"unknown scale {scale_key!r}")
        dimension = item.get("dimension")
        if scale is not None and scale.type == "text":
            if dimension is not None:
                errors.add(f"{path}.dimension", "free-text questions are not scored: use null")
        elif dimension not in dim_keys:
            errors.add(f"{path}.dimension", f"unknown dimension {dimension!r}")
        weight = _number(errors, f"{path}.weight", item.get("weight", 1), positive=True)
        reverse = item.get("reverse", False)
        if not isinstance(reverse, bool):
            errors.add(f"{path}.reverse", "must be true or false")
        audiences = item.get("audiences", ["all"])
        if not isinstance(audiences, list) or not audiences:
            errors.add(f"{path}.audiences", "must be a non-empty list")
            audiences = ["all"]
        for who in audiences:
            if who != "all" and who not in ROLES:
                errors.add(f"{path}.audiences", f"unknown role {who!r}")
        perception = item.get("perception", False)
        if not isinstance(perception, bool):
            errors.add(f"{path}.perception", "must be true or false")
        elif perception and (scale is None or not scale.scored):
            errors.add(f"{path}.perception", "only a scored question can be a perception")
        section = item.get("section", "")
        if sections and section not in section_keys:
            errors.add(f"{path}.section", f"unknown section {section!r}")
        questions.append(Question(
            key=key,
            dimension=dimension if isinstance(dimension, str) else None,
            scale=str(scale_key),
            text=_text(errors, f"{path}.text", item.get("text")),
            weight=weight or 1.0,
            reverse=bool(reverse),
            audiences=tuple(audiences),
            section=str(section or ""),
            required=bool(item.get("required", False)),
            help=_text(errors, f"{path}.help", item.get("help"), required=False),
            perception=bool(perception),
        ))
    for section in sections:
        if not any(q.section == section.key for q in questions):
            errors.add(f"sections ({section.key})", "has no questions")
    return tuple(questions)


def _parse_analysis(errors: _Errors, value: Any) -> Analysis:
    if value is None:
        return Analysis()
    mapping = _mapping(errors, "analysis", value)
    if mapping is None:
        return Analysis()
    defaults = Analysis()
    kwargs: dict[str, Any] = {}
    for name, given in mapping.items():
        if not hasattr(defaults, name):
            errors.add(f"analysis.{name}", "unknown setting")
            continue
        current = getattr(defaults, name)
        if isinstance(current, tuple):
            if not isinstance(given, list) or any(r not in ROLES for r in given):
                errors.add(f"analysis.{name}", "must be a list of roles")
                continue
            kwargs[name] = tuple(given)
        else:
            number = _number(errors, f"analysis.{name}", given, positive=True)
            if number is not None:
                kwargs[name] = type(current)(number)
    return Analysis(**kwargs)


def _parse_lineage(errors: _Errors, value: Any, question_keys: set[str]) -> dict[str, str | None]:
    if value is None:
        return {}
    mapping = _mapping(errors, "lineage", value) or {}
    lineage: dict[str, str | None] = {}
    for old, new in mapping.items():
        if new is not None and new not in question_keys:
            errors.add(f"lineage.{old}", f"points to {new!r}, which is not a question here")
        lineage[str(old)] = new
    return lineage


def _parse_rules(errors: _Errors, value: Any, dims: set[str], questions: set[str],
                 groups: set[str], scales: dict[str, Scale],
                 question_list: tuple[Question, ...]) -> tuple[Rule, ...]:
    rules = []
    scale_of = {q.key: scales.get(q.scale) for q in question_list}
    for path, item in _weighted_items(errors, "rules", value or []):
        key = item.get("key")
        kind = item.get("kind")
        rtype = item.get("type")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.add(f"{path}.key", "must be a snake_case key")
            continue
        if rtype not in RULE_TYPES:
            errors.add(f"{path}.type", f"unknown rule type {rtype!r}; known: "
                       + ", ".join(RULE_TYPES))
            continue
        if kind not in KINDS:
            errors.add(f"{path}.kind", f"must be one of {', '.join(KINDS)}")
        elif kind not in RULE_TYPES[str(rtype)]:
            errors.add(f"{path}.kind", f"a {rtype} rule has kind "
                       + " or ".join(repr(k) for k in RULE_TYPES[str(rtype)]))
        params = {k: v for k, v in item.items() if k not in ("key", "type", "kind", "title",
                                                             "explanation")}
        for name in ("dimensions", "people"):
            for dim in params.get(name, []) or []:
                if dim not in dims:
                    errors.add(f"{path}.{name}", f"unknown dimension {dim!r}")
        for name in ("trust", "enforcement"):
            if name in params and params[name] not in dims:
                errors.add(f"{path}.{name}", f"unknown dimension {params[name]!r}")
        if rtype == "trust_before_enforcement" and not ("trust" in params
                                                        and "enforcement" in params):
            errors.add(path, "needs trust and enforcement (dimensions)")
        for name in ("group", "ecosystem_group"):
            if name in params and params[name] not in groups:
                errors.add(f"{path}.{name}", f"unknown group {params[name]!r}")
        for name in ("context", "system"):
            for group in params.get(name, []) or []:
                if group not in groups:
                    errors.add(f"{path}.{name}", f"unknown group {group!r}")
        if rtype == "blame_the_reps" and not (params.get("system") and params.get("people")):
            errors.add(path, "needs system (groups) and people (dimensions)")
        explained = params.get("explained_by") or {}
        if not isinstance(explained, dict):
            errors.add(f"{path}.explained_by", "must map a rung to the dimensions that explain it")
        else:
            for rung, sources in explained.items():
                if rung not in (params.get("dimensions") or []):
                    errors.add(f"{path}.explained_by", f"{rung!r} is not a rung of this ladder")
                for dim in sources or []:
                    if dim not in dims:
                        errors.add(f"{path}.explained_by", f"unknown dimension {dim!r}")
        if rtype == "pair_gap":
            pairs = params.get("pairs")
            if not isinstance(pairs, list) or not pairs:
                errors.add(f"{path}.pairs", "needs a list of [giving side, receiving side] "
                           "question pairs")
            else:
                for j, pair in enumerate(pairs):
                    if (not isinstance(pair, list) or len(pair) != 2
                            or any(x not in questions for x in pair)):
                        errors.add(f"{path}.pairs[{j}]", "must be two question keys")
        if rtype == "foundation_ladder" and len(params.get("dimensions") or []) < 2:
            errors.add(f"{path}.dimensions", "a ladder needs at least two rungs")
        if rtype == "weak_dimension" and not (params.get("dimensions") or params.get("group")):
            errors.add(path, "needs dimensions or group")
        if rtype == "item_threshold":
            question = params.get("question")
            if question not in questions:
                errors.add(f"{path}.question", f"unknown question {question!r}")
            elif not getattr(scale_of[question], "scored", False):
                errors.add(f"{path}.question", "must be a scored question")
            if params.get("stat", "median") not in ("median", "mean"):
                errors.add(f"{path}.stat", "must be median or mean")
            if ("above" in params) == ("below" in params):
                errors.add(path, "needs exactly one of above or below")
        for name in ("above", "below", "threshold", "sd_above"):
            if name in params:
                _number(errors, f"{path}.{name}", params[name])
        rules.append(Rule(key=key, type=str(rtype), kind=str(kind),
                          title=_text(errors, f"{path}.title", item.get("title")),
                          explanation=_text(errors, f"{path}.explanation",
                                            item.get("explanation"), required=False),
                          params=MappingProxyType(params)))
    return tuple(rules)


def _parse_fixes(errors: _Errors, value: Any, dims: set[str], rules: set[str]) -> tuple[Fix, ...]:
    fixes = []
    for path, item in _weighted_items(errors, "fixes", value or []):
        key = item.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.add(f"{path}.key", "must be a snake_case key")
            continue
        dimension = item.get("dimension")
        rule = item.get("rule")
        if (dimension is None) == (rule is None):
            errors.add(path, "needs exactly one of dimension or rule")
        elif dimension is not None and dimension not in dims:
            errors.add(f"{path}.dimension", f"unknown dimension {dimension!r}")
        elif rule is not None and rule not in rules:
            errors.add(f"{path}.rule", f"unknown rule {rule!r}")
        owner = item.get("owner")
        if owner not in OWNERS:
            errors.add(f"{path}.owner", f"must be one of {', '.join(OWNERS)}, got {owner!r}")
        horizon = item.get("horizon_days")
        if horizon not in HORIZONS:
            errors.add(f"{path}.horizon_days", f"must be 30, 60 or 90, got {horizon!r}")
        fixes.append(Fix(key=key, text=_text(errors, f"{path}.text", item.get("text")),
                         owner=str(owner), horizon_days=int(horizon or 0),
                         dimension=dimension, rule=rule))
    return tuple(fixes)
