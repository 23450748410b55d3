"""Content, Ad and AdBreak: what a session plays, as frozen value objects.

They hold the properties of the Video Spec (``content_properties`` and ``ad_properties``).
Anything else a user wants on the events goes in ``extra`` (given as a dict, kept read-only so
the objects hash) and passes through untouched.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NoReturn

import attrs

from playhead.errors import ConfigurationError

__all__ = ["Ad", "AdBreak", "AdType", "Content"]

AdType = Literal["pre-roll", "mid-roll", "post-roll"]
AD_TYPES: tuple[str, ...] = ("pre-roll", "mid-roll", "post-roll")


def _length(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigurationError(
            f"{type(instance).__name__}.{attribute.name} must be a number of seconds, got {value!r}"
        )
    if not math.isfinite(value) or value < 0:
        raise ConfigurationError(
            f"{type(instance).__name__}.{attribute.name} must be a finite number of seconds "
            f">= 0, got {value!r} (leave it None when unknown, e.g. for a livestream)"
        )


def _asset_id(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ConfigurationError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty string, got {value!r}"
        )


def _optional_str(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise ConfigurationError(
            f"{type(instance).__name__}.{attribute.name} must be a string, got {value!r}"
        )


class _Extra(dict[str, Any]):
    """The ``extra`` of a frozen value object: a dict that cannot change and so hashes, and a
    Content or an Ad can be a dict key or a set member. Still a dict for ``json.dumps`` and
    ``attrs.asdict``."""

    __slots__ = ("_hash",)

    def __init__(self, items: Mapping[str, Any]) -> None:
        super().__init__(items)
        self._hash: int | None = None

    def __hash__(self) -> int:  # type: ignore[override]
        if self._hash is None:
            self._hash = hash(_hashable(self))
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            "extra is read-only: make a changed copy with with_metadata(...) or attrs.evolve()"
        )

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only


def _hashable(value: Any) -> Any:
    """JSON-like values (dicts, lists) as equal values that hash; anything else as it is."""
    if isinstance(value, Mapping):
        return frozenset((key, _hashable(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(_hashable(item) for item in value)
    return value


def _optional_bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise ConfigurationError(
            f"{type(instance).__name__}.{attribute.name} must be a boolean, got {value!r}"
        )


def _text() -> Any:
    """An optional string field, refused with a ConfigurationError naming it otherwise."""
    return attrs.field(default=None, validator=_optional_str)


# Most items have no extras: they share this one (read-only, so sharing it is safe) instead of
# an empty dict each, one object fewer per session for memory and for the garbage collector.
_NO_EXTRA = _Extra({})


def _extra(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not value:
        return _NO_EXTRA
    return value if isinstance(value, _Extra) else _Extra(value)


def _keywords(value: Iterable[str] | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    # One keyword given as a string is that keyword, not its letters.
    return (value,) if isinstance(value, str) else tuple(value)


def _properties(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The spec properties of ``obj`` that are set, then its extras."""
    props: dict[str, Any] = {}
    for field in attrs.fields(type(obj)):
        name = field.name
        if name == "extra" or name in skip:
            continue
        value = getattr(obj, name)
        if value is None:
            continue
        if name == "total_length":
            value = int(value)
        elif name == "keywords":
            value = list(value)
        props[name] = value
    props.update(obj.extra)
    return props


class _Metadata:
    """Shared behaviour of Content and Ad: build from a dict, add metadata."""

    __slots__ = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """Build from a mapping; keys that are not spec properties go to ``extra``."""
        names = {f.name for f in attrs.fields(cls)}  # type: ignore[arg-type]
        known = {k: v for k, v in data.items() if k in names and k != "extra"}
        extra = {k: v for k, v in data.items() if k not in names}
        extra.update(data.get("extra") or {})
        return cls(**known, extra=extra)  # type: ignore[call-arg]

    def with_metadata(self, **metadata: Any) -> Any:
        """A copy with ``metadata`` added: spec properties replace, others go to ``extra``."""
        if not metadata:
            return self
        names = {f.name for f in attrs.fields(type(self))}  # type: ignore[arg-type]
        known = {k: v for k, v in metadata.items() if k in names and k != "extra"}
        extra = dict(self.extra)  # type: ignore[attr-defined]
        extra.update({k: v for k, v in metadata.items() if k not in names})
        extra.update(metadata.get("extra") or {})
        return attrs.evolve(self, **known, extra=extra)  # type: ignore[misc]

    def to_properties(self) -> dict[str, Any]:
        """The event properties this object contributes (unset ones left out)."""
        return _properties(self)


@attrs.frozen(kw_only=True)
class Content(_Metadata):
    """One item of content (an episode, a film, a live channel).

    ``total_length`` is in seconds; leave it None for a livestream or when unknown.

    .. versionadded:: 0.1
    """

    asset_id: str = attrs.field(validator=_asset_id)
    pod_id: str | None = _text()
    title: str | None = _text()
    program: str | None = _text()
    description: str | None = _text()
    season: str | None = _text()
    total_length: float | None = attrs.field(default=None, validator=_length)
    genre: str | None = _text()
    publisher: str | None = _text()
    channel: str | None = _text()
    full_episode: bool | None = attrs.field(default=None, validator=_optional_bool)
    livestream: bool | None = attrs.field(default=None, validator=_optional_bool)
    airdate: str | None = _text()
    keywords: tuple[str, ...] | None = attrs.field(default=None, converter=_keywords)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_extra)


@attrs.frozen(kw_only=True)
class Ad(_Metadata):
    """One ad creative. Its pod (break) and position in the pod come from its AdBreak.

    .. versionadded:: 0.1
    """

    asset_id: str = attrs.field(validator=_asset_id)
    title: str | None = _text()
    total_length: float | None = attrs.field(default=None, validator=_length)
    publisher: str | None = _text()
    load_type: Literal["dynamic", "linear"] | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.in_(("dynamic", "linear"))),
    )
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_extra)


def _ad_type(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in AD_TYPES:
        raise ConfigurationError(f"AdBreak.type must be one of {AD_TYPES}, got {value!r}")


def _ads(value: Any) -> tuple[Ad, ...]:
    ads = tuple(Ad.from_dict(a) if isinstance(a, Mapping) else a for a in value)
    for ad in ads:
        if not isinstance(ad, Ad):
            raise ConfigurationError(f"AdBreak.ads must hold Ad objects, got {ad!r}")
    return ads


@attrs.frozen(kw_only=True)
class AdBreak:
    """An ad pod: the ads that play together at one point of the content.

    .. versionadded:: 0.1
    """

    pod_id: str = attrs.field(validator=_asset_id)
    type: AdType = attrs.field(validator=_ad_type)
    ads: tuple[Ad, ...] = attrs.field(default=(), converter=_ads)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_extra)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdBreak:
        """Build from a mapping (the timeline format); unknown keys go to ``extra``."""
        names = {"pod_id", "type", "ads"}
        extra = {k: v for k, v in data.items() if k not in names and k != "extra"}
        extra.update(data.get("extra") or {})
        return cls(
            pod_id=data.get("pod_id"),  # type: ignore[arg-type]
            type=data.get("type"),  # type: ignore[arg-type]
            ads=data.get("ads", ()),
            extra=extra,
        )

    @property
    def total_length(self) -> float | None:
        """Seconds of all its ads, or None when any ad's length is unknown."""
        total = 0.0
        for ad in self.ads:
            if ad.total_length is None:
                return None
            total += ad.total_length
        return total
